/**
 * The server of the mixed-load benchmark, in a process of its own so that its event loop is not also the load
 * generator's: `startServer` configured from the environment, its URL printed as one JSON line. It stops on
 * SIGTERM as `atlas serve` does.
 */
// As `atlas serve`: V8's heap settings first.
import '../src/entrypoints/cli/heap-settings.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/entrypoints/http/server.ts';

const server = await startServer(loadConfig());
console.log(JSON.stringify({ benchServerUrl: server.url }));
