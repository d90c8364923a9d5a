/**
 * Plugin marketplaces at a given catalog size (`npm run bench marketplaces -- --items 10000`; 10,000 skills by
 * default) on embedded PGlite, with a local content repository:
 * - the served `claude-code.json` as an anonymous reader sees it (the listing, and every plugin's pinned commit
 *   computed from tree ids: no file read), and over HTTP while the catalog does not change (from the cache);
 * - the marketplace branch: the first write, a refresh after one skill changed, and a refresh when nothing changed
 *   (no commit);
 * - what the worker does between refreshes: reading the catalog's revision, which is all a publish costs it until
 *   the burst is over. A burst of publishes is one refresh (debounced), so the branch's cost follows time, not the
 *   number of publishes: the figure that must stay small is the revision check.
 * Skills are bulk-loaded (bulk-catalog.ts), 200 namespaces, one in ten team-only; each skill's SKILL.md and tree
 * are written as loose objects so that the branch's trees name real objects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { LocalGitContentStore } from '../src/adapters/git/local-git-content-store.ts';
import { LocalGitGeneratedBranch } from '../src/adapters/git/local-git-generated-branch.ts';
import { openPglite } from '../src/adapters/postgres/connection.ts';
import { runMigrations } from '../src/adapters/postgres/migrate.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import { catalogRevision } from '../src/application/catalog/skill-index.ts';
import { listMarketplaceSkills } from '../src/application/marketplaces/list-marketplace-skills.ts';
import { refreshMarketplaceBranch } from '../src/application/marketplaces/refresh-marketplace-branch.ts';
import { servedMarketplaceFiles } from '../src/application/marketplaces/served-marketplaces.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { anonymous } from '../src/domain/accounts/actor.ts';
import { parseItemRef } from '../src/domain/catalog/item-ref.ts';
import { FILE_MODE } from '../src/domain/content/tree-id.ts';
import { buildItem, buildTeam } from '../src/domain/testing/builders.ts';
import { buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { bulkLoadItems } from './bulk-catalog.ts';
import { type BenchOptions, type BenchResult, type Figure, median, round, sample } from './harness.ts';
import { looseObjectWriter } from './loose-objects.ts';

const DEFAULT_ITEMS = 10_000;
const NAMESPACES = 200;
const RUNS = 5;
const REVISION_TARGET_MS = 10;
const IDENTITY = { name: 'atlas', owner: 'Atlas', origin: 'acme/skills' };

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const size = options.items ?? DEFAULT_ITEMS;
  const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-marketplaces-'));
  const connection = await openPglite({ dataDir: join(dir, 'pgdata') });
  try {
    await runMigrations(connection);
    const db = new PostgresDatabase(connection);
    const gitdir = join(dir, 'content.git');
    const content = await LocalGitContentStore.open(gitdir);
    const objects = looseObjectWriter(gitdir);
    const teams = Array.from({ length: NAMESPACES }, (_, i) => buildTeam({ slug: `team-${i}`, name: `Team ${i}` }));
    await db.transaction(async (repos) => {
      for (const team of teams) await repos.teams.insert(team);
    });
    const seeded = performance.now();
    const rows = Array.from({ length: size }, (_, i) => {
      const team = teams[i % NAMESPACES]!;
      const name = `skill-${i}`;
      const blob = objects.write('blob', Buffer.from(`---\nname: ${name}\ndescription: Skill number ${i}.\n---\n`));
      const treeSha = objects.tree([{ name: 'SKILL.md', mode: FILE_MODE, sha: blob }]);
      return buildItem(`skill/${team.slug}/${name}`, {
        treeSha,
        teamId: team.id,
        description: `Skill number ${i}.`,
        visibility: i % 10 === 0 ? 'team' : 'org',
        updatedAt: new Date(Date.UTC(2030, 0, 1) + i * 1000),
      });
    });
    await bulkLoadItems(connection, rows);
    // Planner statistics, as autovacuum would leave them after a bulk load.
    await connection.db.execute(sql`vacuum analyze`);
    const seedMs = performance.now() - seeded;
    const deps = assembleDeps(
      db,
      content,
      { authz: 'rbac', publicRead: true, registration: 'open' },
      {
        argon2: CHEAP_ARGON2,
      },
    );
    const branch = new LocalGitGeneratedBranch(gitdir, 'atlas-marketplace');

    const served = await sample(
      async () => {
        const skills = await listMarketplaceSkills(deps, {}, anonymous());
        servedMarketplaceFiles(
          skills,
          IDENTITY,
          (namespace) => `https://atlas.example.com/marketplaces/git/${namespace}.git`,
        );
      },
      RUNS,
      1,
    );

    // Through the HTTP app, anonymous: built once per catalog revision, then answered from the cache.
    const app = await buildApp(deps);
    const fetchServed = async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/marketplaces/claude-code.json',
        headers: { host: 'atlas.test' },
      });
      if (res.statusCode !== 200) throw new Error(`served file: ${res.statusCode}`);
    };
    const servedCached = await sample(fetchServed, 30, 2);
    await app.close();

    const firstStart = performance.now();
    const first = await refreshMarketplaceBranch(deps, branch, IDENTITY);
    const firstMs = performance.now() - firstStart;

    const orgRows = rows.filter((row) => row.visibility === 'org');
    let changedCommits = 0;
    const changed = await sample(
      async (i) => {
        const row = orgRows[((i + 7) * 37) % orgRows.length]!;
        const item = (await db.items.findByRef(parseItemRef(`skill/${row.namespace}/${row.name}`)))!;
        const blob = objects.write('blob', Buffer.from(`---\nname: ${row.name}\ndescription: Changed ${i}.\n---\n`));
        const treeSha = objects.tree([{ name: 'SKILL.md', mode: FILE_MODE, sha: blob }]);
        await db.items.update({ ...item, treeSha, description: `Changed ${i}.`, updatedAt: new Date() });
        if ((await refreshMarketplaceBranch(deps, branch, IDENTITY)).changed) changedCommits += 1;
      },
      RUNS,
      1,
    );
    let unchangedCommits = 0;
    const unchanged = await sample(
      async () => {
        if ((await refreshMarketplaceBranch(deps, branch, IDENTITY)).changed) unchangedCommits += 1;
      },
      RUNS,
      1,
    );
    const revision = await sample(() => catalogRevision(deps), 50, 5);

    const figures: Figure[] = [
      { name: `served claude-code.json at ${size} skills, median`, value: round(median(served)), unit: 'ms' },
      {
        name: `served claude-code.json over HTTP, anonymous, catalog unchanged (cached), median`,
        value: round(median(servedCached)),
        unit: 'ms',
      },
      { name: `marketplace branch, first write at ${size} skills`, value: round(firstMs), unit: 'ms' },
      {
        name: 'marketplace branch, refresh after one skill changed, median',
        value: round(median(changed)),
        unit: 'ms',
      },
      { name: 'marketplace branch, refresh with nothing changed, median', value: round(median(unchanged)), unit: 'ms' },
      {
        name: 'commits made by refreshes with nothing changed',
        value: unchangedCommits,
        unit: 'commits',
        target: '0',
        ok: unchangedCommits === 0,
      },
      {
        name: 'commits made by refreshes after a change',
        value: changedCommits,
        unit: 'commits',
        target: `${RUNS + 1}`,
        ok: changedCommits === RUNS + 1,
      },
      {
        name: 'catalog revision check (what a publish costs the worker), median',
        value: round(median(revision), 3),
        unit: 'ms',
        target: `< ${REVISION_TARGET_MS}`,
        ok: median(revision) < REVISION_TARGET_MS,
      },
    ];
    return {
      bench: 'marketplaces',
      figures,
      notes: [
        `${size} skills in ${NAMESPACES} namespaces (one in ten team-only), seeded in ${round(seedMs / 1000, 1)} s; ` +
          `${first.plugins} plugins and ${first.skills} skills on the branch`,
        'The branch is refreshed by the worker after the catalog has been still for 2 s (checked every 5 s): a burst ' +
          'of publishes costs one refresh, and each publish only a revision check, never a wait.',
      ],
    };
  } finally {
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
