import type { Command } from '../command.ts';

export const syncCommand: Command = {
  usage: '[--verify [--repair]] [options]',
  description:
    'Brings the catalog up to the content branch now, in this process (a running server does it on its own\n' +
    'from webhooks and its poller). --verify compares every item folder in git with the catalog and reports\n' +
    'drift; --repair also fixes it. Uses the same configuration as `atlas serve`; with the embedded database,\n' +
    'stop the server first, or ask the running server as an administrator: POST /api/v1/sync/run queues a\n' +
    'sync of the branch head, POST /api/v1/sync/verify reports drift (the Admin page has both).',
  options: {
    verify: { type: 'boolean', description: 'Compare every item folder with the catalog and report drift' },
    repair: { type: 'boolean', description: 'With --verify: fix the drift it finds' },
  },
  positionals: { min: 0, max: 0 },
  json: true,
  examples: ['atlas sync', 'atlas sync --verify', 'atlas sync --verify --repair --json'],
  async run(context, input) {
    const { term } = context;
    if (input.flag('repair') && !input.flag('verify')) {
      const { UsageError } = await import('../cli-error.ts');
      throw new UsageError('--repair goes with --verify: atlas sync --verify --repair');
    }
    const [{ loadConfig }, { createAtlas }, { syncCatalog }, { verifyCatalog }] = await Promise.all([
      import('../../../config.ts'),
      import('../../../composition-root.ts'),
      import('../../../application/sync/sync-catalog.ts'),
      import('../../../application/sync/verify-catalog.ts'),
    ]);
    const atlas = await createAtlas(loadConfig());
    try {
      if (input.flag('verify')) {
        const report = await verifyCatalog(atlas.deps, { repair: input.flag('repair') });
        if (term.json) {
          term.writeJson(report);
        } else {
          term.out(
            `Checked ${report.folders} item folders in git against ${report.items} items at ${report.head.slice(0, 12)}.`,
          );
          const { gitOnly, dbOnly, stale } = report.drift;
          for (const [title, list] of [
            ['in git only', gitOnly],
            ['in the catalog only', dbOnly],
            ['stale', stale],
          ] as const) {
            for (const folder of list) term.out(`  ${title.padEnd(20)} ${folder}`);
          }
          term.out(report.driftCount === 0 ? 'No drift.' : `${report.driftCount} drifted item(s).`);
          if (report.repaired) term.out(`Repaired: ${JSON.stringify(report.repaired)}`);
        }
        return report.driftCount > 0 && !report.repaired ? 1 : 0;
      }
      const result = await syncCatalog(atlas.deps);
      if (term.json) term.writeJson(result);
      else if (!result.changed) term.out(`Already up to date at ${result.to.slice(0, 12)}.`);
      else {
        const c = result.counts;
        term.out(
          `Synced ${result.from?.slice(0, 12) ?? 'the start'}..${result.to.slice(0, 12)}: ${c.added} added, ${c.updated} updated, ` +
            `${c.removed} removed, ${c.moved} moved, ${c.invalid} invalid.`,
        );
      }
      return 0;
    } finally {
      await atlas.close();
    }
  },
};
