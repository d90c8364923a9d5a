import { locksContract } from '../../domain/locks.contract.ts';
import { InProcessLocks } from './in-process-locks.ts';

locksContract('in-process', async () => new InProcessLocks());
