import type { Command } from '../command.ts';

export const serveCommand: Command = {
  usage: '[options]',
  description:
    'Listens on ATLAS_HOST:ATLAS_PORT (127.0.0.1:8080) with the data in ATLAS_HOME (./.atlas), or on the\n' +
    'PostgreSQL server in DATABASE_URL. Configuration comes from the environment and an optional .env file\n' +
    '(see the README). Stops cleanly on Ctrl-C or SIGTERM.',
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ['atlas serve', 'ATLAS_PORT=9000 ATLAS_HOME=/var/lib/atlas atlas serve'],
  async run() {
    // Loaded here, not at the top: only this command needs the server and its database.
    const [{ loadConfig }, { startServer }] = await Promise.all([
      import('../../../config.ts'),
      import('../../http/server.ts'),
    ]);
    await startServer(loadConfig());
    return -1;
  },
};
