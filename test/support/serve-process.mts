// `atlas serve` without the CLI: the server, its sync worker and its poller, configured from the environment.
// With the argument `worker`, `atlas worker` instead: the sync worker and poller election without the server.
import { createAtlas } from '../../src/composition-root.ts';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/entrypoints/http/server.ts';
import { startSyncRuntime } from '../../src/entrypoints/worker/sync-runtime.ts';

if (process.argv[2] === 'worker') {
  const atlas = await createAtlas(loadConfig());
  const line = (level: string) => (details: object, message: string) =>
    console.log(JSON.stringify({ level, msg: message, ...details }));
  const runtime = startSyncRuntime(atlas.deps, {
    log: { info: line('info'), warn: line('warn'), error: line('error') },
  });
  const alive = setInterval(() => undefined, 1 << 30);
  process.once('SIGTERM', async () => {
    clearInterval(alive);
    await runtime.stop();
    await atlas.close();
    process.exit(0);
  });
  console.log(JSON.stringify({ msg: 'Atlas worker is ready', workerId: runtime.workerId }));
} else {
  await startServer(loadConfig());
}
