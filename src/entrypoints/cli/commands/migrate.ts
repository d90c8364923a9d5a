import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  usage: '[options]',
  description: 'Applies the committed migrations, once, under an advisory lock. Every start of the server does it too.',
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ['atlas migrate', 'DATABASE_URL=postgres://atlas@db/atlas atlas migrate'],
  async run(context) {
    const [{ loadConfig }, { migrateDatabase }] = await Promise.all([
      import('../../../config.ts'),
      import('../../../composition-root.ts'),
    ]);
    await migrateDatabase(loadConfig());
    context.term.out('migrations applied');
    return 0;
  },
};
