// `atlas serve` without the CLI: the server, its sync worker and its poller, configured from the environment.
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/entrypoints/http/server.ts';

await startServer(loadConfig());
