import type { Command } from './command.ts';

export type CommandGroup = 'server' | 'account' | 'catalog' | 'install' | 'bulk';

export interface CommandEntry {
  readonly name: string;
  readonly group: CommandGroup;
  readonly summary: string;
  /** Loads the command's module only when it runs, so `atlas search` never loads the server. */
  load(): Promise<Command>;
}

export const GROUP_TITLES: Record<CommandGroup, string> = {
  server: 'Run Atlas',
  account: 'Sign in',
  catalog: 'Publish and find',
  install: 'Install',
  bulk: 'Move many items',
};

/**
 * Every `atlas` command, in help order. serve and migrate run in this process; the others talk to a server over
 * HTTP. A new command is one entry here and one module in commands/.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    group: 'server',
    summary: 'Run the Atlas server (what npm start runs)',
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  {
    name: 'migrate',
    group: 'server',
    summary: 'Apply database migrations to DATABASE_URL (or the embedded database)',
    load: async () => (await import('./commands/migrate.ts')).migrateCommand,
  },
  {
    name: 'worker',
    group: 'server',
    summary: 'Run the sync worker and poller without the HTTP server',
    load: async () => (await import('./commands/worker.ts')).workerCommand,
  },
  {
    name: 'sync',
    group: 'server',
    summary: 'Sync the catalog with git now; --verify [--repair] checks every item',
    load: async () => (await import('./commands/sync.ts')).syncCommand,
  },
  {
    name: 'login',
    group: 'account',
    summary: 'Sign in to an Atlas server and keep a token for the other commands',
    load: async () => (await import('./commands/login.ts')).loginCommand,
  },
  {
    name: 'logout',
    group: 'account',
    summary: 'Revoke the saved token and forget it',
    load: async () => (await import('./commands/logout.ts')).logoutCommand,
  },
  {
    name: 'whoami',
    group: 'account',
    summary: 'Show who you are signed in as, where, and your teams',
    load: async () => (await import('./commands/whoami.ts')).whoamiCommand,
  },
  {
    name: 'token',
    group: 'account',
    summary: 'Create, list and revoke API tokens; --scope registry:read for a token that only reads the MCP registry',
    load: async () => (await import('./commands/token.ts')).tokenCommand,
  },
  {
    name: 'publish',
    group: 'catalog',
    summary: 'Validate and publish a skill, MCP server or tool from a folder or zip',
    load: async () => (await import('./commands/publish.ts')).publishCommand,
  },
  {
    name: 'search',
    group: 'catalog',
    summary: 'Search the catalog',
    load: async () => (await import('./commands/search.ts')).searchCommand,
  },
  {
    name: 'show',
    group: 'catalog',
    summary: 'Show an item: metadata, installs, versions and files',
    load: async () => (await import('./commands/show.ts')).showCommand,
  },
  {
    name: 'versions',
    group: 'catalog',
    summary: "List an item's versions, newest first",
    load: async () => (await import('./commands/versions.ts')).versionsCommand,
  },
  {
    name: 'install',
    group: 'install',
    summary: 'Install a skill or MCP server into a client (Claude Code, Codex, Cursor, Gemini CLI, VS Code, ...)',
    load: async () => (await import('./commands/install.ts')).installCommand,
  },
  {
    name: 'uninstall',
    group: 'install',
    summary: 'Remove what install wrote (the skill folder or the config entry)',
    load: async () => (await import('./commands/uninstall.ts')).uninstallCommand,
  },
  {
    name: 'import',
    group: 'bulk',
    summary: 'Publish every item of a skills repository, plugin marketplace or folder of server.json files',
    load: async () => (await import('./commands/import.ts')).importCommand,
  },
  {
    name: 'export',
    group: 'bulk',
    summary:
      "Download an item as a zip, the catalog's skills as a Claude Code plugin marketplace, or managed MCP settings",
    load: async () => (await import('./commands/export.ts')).exportCommand,
  },
];
