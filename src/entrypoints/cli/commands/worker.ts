import type { Command } from '../command.ts';

export const workerCommand: Command = {
  usage: '[options]',
  description:
    'Runs the sync worker and takes part in electing the poller, without the HTTP server: for deployments\n' +
    'that scale workers apart from web processes. Every `atlas serve` runs one as well. Needs DATABASE_URL\n' +
    '(with the embedded database only one Atlas process may open ATLAS_HOME). Stops cleanly on Ctrl-C or SIGTERM.',
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ['atlas worker', 'DATABASE_URL=postgres://atlas@db/atlas atlas worker'],
  async run(context) {
    const [{ loadConfig }, { createAtlas }, { startSyncRuntime }] = await Promise.all([
      import('../../../config.ts'),
      import('../../../composition-root.ts'),
      import('../../worker/sync-runtime.ts'),
    ]);
    const atlas = await createAtlas(loadConfig());
    const line = (level: string) => (details: object, message: string) =>
      context.term.note(`${new Date().toISOString()} ${level} ${message} ${JSON.stringify(details, errorsAsText)}`);
    const runtime = startSyncRuntime(atlas.deps, {
      log: { info: line('info'), warn: line('warn'), error: line('error') },
    });
    context.term.note(`atlas worker ${runtime.workerId} is running; Ctrl-C stops it`);
    // The runtime's timers do not hold the process open on their own; this does, until a signal.
    const alive = setInterval(() => undefined, 1 << 30);
    let stopping = false;
    const stop = async (signal: string) => {
      // A signal that comes again while stopping (Ctrl-C reaches a launcher and its worker alike) is the same stop.
      if (stopping) return;
      stopping = true;
      context.term.note(`${signal}: stopping`);
      clearInterval(alive);
      await runtime.stop();
      await atlas.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    return -1;
  },
};

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
