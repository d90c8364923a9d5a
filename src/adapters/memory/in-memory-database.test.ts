import { databaseContract } from '../../domain/repositories.contract.ts';
import { InMemoryDatabase } from './in-memory-database.ts';

databaseContract('in-memory', async () => new InMemoryDatabase());
