import { migrateDatabase } from '../../composition-root.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { startServer } from '../http/server.ts';

const HELP = `atlas: the catalog of skills, MCP servers and tools for AI agents

Usage: atlas <command> [options]

Commands:
  serve      Run the Atlas server (what npm start runs)
  migrate    Apply database migrations to DATABASE_URL (or the embedded database)

Options:
  -h, --help     Show help
  -v, --version  Show the version

Examples:
  atlas serve
  DATABASE_URL=postgres://atlas@db/atlas atlas migrate

Configuration comes from the environment and an optional .env file; see the README.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '-h' || command === '--help') {
    console.log(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    const pkg = await import('../../../package.json', { with: { type: 'json' } });
    console.log(pkg.default.version);
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case 'serve':
      await startServer(loadConfig());
      return -1;
    case 'migrate':
      await migrateDatabase(loadConfig());
      console.log('migrations applied');
      return 0;
    default:
      console.error(`atlas: unknown command "${command}"\nRun atlas --help to see the commands.`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: a long-running command (serve) that exits on a signal.
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      for (const line of error.lines) console.error(`atlas: configuration: ${line}`);
    } else {
      console.error(`atlas: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  },
);
