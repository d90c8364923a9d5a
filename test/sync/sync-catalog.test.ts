/**
 * The sync use cases on in-memory deps and on every database: syncCatalog (incremental, moves, echoes of
 * Atlas's own commits, invalid folders, concurrency, force pushes), verifyCatalog, the job runner with its
 * backoff, and the webhook intake over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalGitContentStore } from '../../src/adapters/git/local-git-content-store.ts';
import { InMemoryContentStore } from '../../src/adapters/memory/in-memory-content-store.ts';
import { InMemoryDatabase } from '../../src/adapters/memory/in-memory-database.ts';
import { openPostgres } from '../../src/adapters/postgres/connection.ts';
import { PostgresDatabase } from '../../src/adapters/postgres/postgres-database.ts';
import { publishItem } from '../../src/application/catalog/publish-item.ts';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { getSyncStatus } from '../../src/application/sync/get-sync-status.ts';
import { backoffMs, newSyncJob, runNextSyncJob } from '../../src/application/sync/run-sync-job.ts';
import { syncCatalog } from '../../src/application/sync/sync-catalog.ts';
import { verifyCatalog } from '../../src/application/sync/verify-catalog.ts';
import type { User } from '../../src/domain/accounts/user.ts';
import type { CatalogItem } from '../../src/domain/catalog/catalog-item.ts';
import { toItemRef } from '../../src/domain/catalog/item-ref.ts';
import { type ContentLimits, DEFAULT_CONTENT_LIMITS } from '../../src/domain/content/content-limits.ts';
import { UnavailableError } from '../../src/domain/errors.ts';
import { newId } from '../../src/domain/ids.ts';
import type { Database } from '../../src/domain/repositories.ts';
import { buildItem, buildUser } from '../../src/domain/testing/builders.ts';
import { type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { describeEachDatabase } from '../support/each-database.ts';
import { client, register } from '../support/http.ts';
import {
  actorOf,
  catalogRows,
  commitFiles,
  depsFor,
  driftOf,
  exec,
  FailingContentStore,
  ManualClock,
  pushPayload,
  seedNamespaces,
  sign,
  skillFiles,
  skillMd,
  WEBHOOK_SECRET,
  webhookHeaders,
} from '../support/sync-helpers.ts';

const MB = 1024 * 1024;
/** Small enough that a test file of 1.5 MB is over it; the content store itself keeps the default limits. */
const LIMITS: ContentLimits = { ...DEFAULT_CONTENT_LIMITS, maxFileBytes: MB };

const VAULT = JSON.stringify({
  name: 'io.github.acme/vault',
  description: 'Reads secrets from the vault.',
  version: '1.0.0',
  remotes: [{ type: 'streamable-http', url: 'https://vault.example.com/mcp' }],
});
const WEATHER = JSON.stringify({
  name: 'get_weather',
  description: 'The weather in a city.',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
});

const ref = (kind: 'skill' | 'mcp' | 'tool', namespace: string, name: string) => toItemRef({ kind, namespace, name });
const versionsOf = async (db: Database, item: CatalogItem | undefined) =>
  (await db.items.listVersions(item!.id)).map((v) => v.commitSha);

describeEachDatabase('syncCatalog', (open) => {
  let db: Database;
  let content: InMemoryContentStore;
  let deps: AtlasDeps;
  let alice: User;
  let teamId: string;

  beforeEach(async () => {
    db = await open();
    content = new InMemoryContentStore();
    deps = depsFor(db, content, { limits: LIMITS });
    ({ alice, teamId } = await seedNamespaces(db));
  });

  /** The three kinds, in a user's and a team's namespaces. */
  const seedThree = () =>
    commitFiles(content, {
      'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools', 'Extract text from PDF files.', '1.0.0'),
      'skills/alice/pdf-tools/scripts/run.py': 'print("run")\n',
      'mcp/platform/vault/server.json': VAULT,
      'tools/bob/get-weather/tool.json': WEATHER,
    });

  it('records every item folder on the first sync from nothing, owned by its namespace', async () => {
    const head = await seedThree();
    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ from: null, to: head, changed: true, folders: 3 });
    expect(result.counts).toEqual({ added: 3, updated: 0, removed: 0, moved: 0, invalid: 0 });
    expect((await db.sync.getState()).lastSyncedSha).toBe(head);

    const trees = new Map((await content.listItems()).map((t) => [t.folder, t.treeSha]));
    const rows = await catalogRows(db);
    expect(rows.map((r) => [r.gitPath, r.status, r.treeSha, r.commitSha])).toEqual(
      [...trees].map(([folder, tree]) => [folder, 'active', tree, head]),
    );
    const pdf = await db.items.findByRef(ref('skill', 'alice', 'pdf-tools'));
    expect(pdf).toMatchObject({ ownerUserId: alice.id, teamId: null, version: '1.0.0', visibility: 'org' });
    expect(pdf?.description).toBe('Extract text from PDF files.');
    expect(await db.items.findByRef(ref('mcp', 'platform', 'vault'))).toMatchObject({ teamId, ownerUserId: null });
    expect(await db.items.findByRef(ref('tool', 'bob', 'get-weather'))).toMatchObject({ kind: 'tool' });
    for (const row of rows) expect(await versionsOf(db, row)).toEqual([head]);
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  it('does nothing when the catalog is already at the head', async () => {
    const head = await seedThree();
    await syncCatalog(deps);
    const before = await catalogRows(db);
    expect(await syncCatalog(deps)).toMatchObject({ from: head, to: head, changed: false, folders: 0 });
    expect(await catalogRows(db)).toEqual(before);
  });

  it('applies an added, a changed and a removed folder of one change, keeping what the database owns', async () => {
    const first = await seedThree();
    await syncCatalog(deps);
    const pdf = (await db.items.findByRef(ref('skill', 'alice', 'pdf-tools')))!;
    await db.items.update({ ...pdf, tags: ['pdf', 'documents'], visibility: 'team' });

    const second = await commitFiles(
      content,
      {
        'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools', 'Extract text and tables from PDF files.', '1.1.0'),
        'skills/bob/notes/SKILL.md': skillMd('notes'),
      },
      ['tools/bob/get-weather'],
    );
    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ from: first, to: second, changed: true, folders: 3 });
    expect(result.counts).toEqual({ added: 1, updated: 1, removed: 1, moved: 0, invalid: 0 });

    const changed = await db.items.findByRef(ref('skill', 'alice', 'pdf-tools'));
    expect(changed).toMatchObject({
      id: pdf.id,
      version: '1.1.0',
      description: 'Extract text and tables from PDF files.',
      commitSha: second,
      tags: ['pdf', 'documents'],
      visibility: 'team',
      createdAt: pdf.createdAt,
    });
    expect(changed?.treeSha).not.toBe(pdf.treeSha);
    expect(await versionsOf(db, changed)).toEqual(expect.arrayContaining([first, second]));
    expect(await versionsOf(db, changed)).toHaveLength(2);
    expect(await db.items.findByRef(ref('skill', 'bob', 'notes'))).toMatchObject({ status: 'active' });
    // The row of a removed folder stays, marked deleted, so its installs and history are kept.
    expect(await db.items.findByRef(ref('tool', 'bob', 'get-weather'))).toMatchObject({
      status: 'deleted',
      commitSha: second,
    });
    // The folder untouched by the change is not rewritten.
    expect(await db.items.findByRef(ref('mcp', 'platform', 'vault'))).toMatchObject({ commitSha: first });
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  it('keeps the row id, tags, usage count and owner of a folder moved unchanged to another namespace', async () => {
    await seedThree();
    await syncCatalog(deps);
    const pdf = (await db.items.findByRef(ref('skill', 'alice', 'pdf-tools')))!;
    await db.items.update({ ...pdf, tags: ['pdf'] });
    for (const client of ['claude-code', 'cursor']) {
      await db.items.recordInstall({
        id: newId(),
        itemId: pdf.id,
        userId: alice.id,
        installer: `${alice.id}:${client}`,
        day: '2030-01-01',
        client,
        createdAt: new Date(),
      });
    }

    const files = await content.readItem('skills/alice/pdf-tools');
    const moved = await commitFiles(
      content,
      Object.fromEntries(files!.files.map((f) => [`skills/platform/pdf-tools/${f.path}`, f.content])),
      ['skills/alice/pdf-tools'],
    );
    const result = await syncCatalog(deps);
    expect(result.counts).toEqual({ added: 0, updated: 0, removed: 0, moved: 1, invalid: 0 });

    const row = await db.items.findByRef(ref('skill', 'platform', 'pdf-tools'));
    expect(row).toMatchObject({
      id: pdf.id,
      gitPath: 'skills/platform/pdf-tools',
      namespace: 'platform',
      treeSha: pdf.treeSha,
      commitSha: moved,
      tags: ['pdf'],
      usageCount: 2,
      ownerUserId: alice.id,
      status: 'active',
      createdAt: pdf.createdAt,
    });
    expect(await db.items.findByRef(ref('skill', 'alice', 'pdf-tools'))).toBeUndefined();
    expect(await db.items.findByGitPath('skills/alice/pdf-tools')).toBeUndefined();
    expect((await catalogRows(db)).filter((r) => r.name === 'pdf-tools')).toHaveLength(1);
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  it('hands a folder moved into a team namespace to that team, keeping who published it', async () => {
    // The authorizer decides by the row's team: a team item without its team is editable by no team member.
    await commitFiles(content, { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools') });
    await syncCatalog(deps);
    const pdf = (await db.items.findByRef(ref('skill', 'alice', 'pdf-tools')))!;
    const files = await content.readItem('skills/alice/pdf-tools');
    await commitFiles(
      content,
      Object.fromEntries(files!.files.map((f) => [`skills/platform/pdf-tools/${f.path}`, f.content])),
      ['skills/alice/pdf-tools'],
    );
    await syncCatalog(deps);
    expect(await db.items.findByRef(ref('skill', 'platform', 'pdf-tools'))).toMatchObject({
      id: pdf.id,
      ownerUserId: alice.id,
      teamId,
    });
  });

  it('skips its own publish when it comes back from git, and only advances', async () => {
    // Never synced: the publish cannot move the synced commit (it is not the parent), so sync meets the echo.
    const published = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, actorOf(alice));
    const before = await db.items.findByRef(ref('skill', 'alice', 'pdf-tools'));
    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ changed: true, to: published.commitSha, folders: 0 });
    expect((await db.sync.getState()).lastSyncedSha).toBe(published.commitSha);
    const after = await db.items.findByRef(ref('skill', 'alice', 'pdf-tools'));
    expect(after).toEqual(before);
    expect(await versionsOf(db, after)).toEqual([published.commitSha]);
  });

  it('skips its own publish inside an incremental diff while applying the commit made in git before it', async () => {
    const start = await seedThree();
    await syncCatalog(deps);
    const outside = await commitFiles(content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    // The branch is ahead of the synced commit, so this publish leaves the synced commit where it was.
    const published = await publishItem(deps, { namespace: 'alice', files: skillFiles('charts') }, actorOf(alice));
    expect((await db.sync.getState()).lastSyncedSha).toBe(start);
    const before = await db.items.findByRef(ref('skill', 'alice', 'charts'));

    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ from: start, to: published.commitSha, folders: 1 });
    expect(result.counts).toMatchObject({ added: 1, updated: 0 });
    expect(await db.items.findByRef(ref('skill', 'bob', 'notes'))).toMatchObject({ commitSha: published.commitSha });
    expect(await db.items.findByRef(ref('skill', 'alice', 'charts'))).toEqual(before);
    expect(outside).not.toBe(published.commitSha);
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  it('records invalid folders as invalid with their problems while the rest of the change applies', async () => {
    await seedThree();
    await syncCatalog(deps);
    const head = await commitFiles(content, {
      'skills/alice/good/SKILL.md': skillMd('good'),
      // A manifest without its description.
      'skills/alice/broken/SKILL.md': '---\nname: broken\n---\n# Broken\n',
      // Nobody is named "nobody".
      'skills/nobody/helper/SKILL.md': skillMd('helper'),
      // Item names are lowercase a-z, 0-9 and hyphens.
      'skills/alice/PDF-Tools/SKILL.md': skillMd('pdf-tools'),
      'skills/alice/pdf.tools/SKILL.md': skillMd('pdf-tools'),
      // A file over the 1 MB limit of these tests.
      'skills/alice/big/SKILL.md': skillMd('big'),
      'skills/alice/big/data.bin': new Uint8Array(1.5 * MB),
      // And a change to a valid item in the same commit.
      'mcp/platform/vault/README.md': '# Vault\n',
    });
    const result = await syncCatalog(deps);
    expect(result.counts).toEqual({ added: 1, updated: 1, removed: 0, moved: 0, invalid: 5 });
    expect((await db.sync.getState()).lastSyncedSha).toBe(head);

    expect(await db.items.findByRef(ref('skill', 'alice', 'good'))).toMatchObject({ status: 'active' });
    expect(await db.items.findByRef(ref('mcp', 'platform', 'vault'))).toMatchObject({
      status: 'active',
      commitSha: head,
    });
    const problemsAt = async (folder: string) => {
      const row = await db.items.findByGitPath(folder);
      expect(row, folder).toMatchObject({ status: 'invalid', statusMessage: 'invalid in git' });
      expect(row!.problems.length, folder).toBeGreaterThan(0);
      expect(await db.items.listVersions(row!.id), folder).toEqual([]);
      return row!.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    };
    expect(await problemsAt('skills/alice/broken')).toMatch(/SKILL\.md#\/description: is required/);
    expect(await problemsAt('skills/nobody/helper')).toMatch(/no user or team is named "nobody"/);
    expect(await problemsAt('skills/alice/PDF-Tools')).toMatch(/is not a valid item folder/);
    expect(await problemsAt('skills/alice/pdf.tools')).toMatch(/is not a valid item folder/);
    expect(await problemsAt('skills/alice/big')).toMatch(/data\.bin: is 1\.5 MB; the limit is 1 MB a file/);
    // Invalid rows are not in search, and the verifier counts them as recorded, not as drift.
    const visible = await db.items.search({ sort: 'name', limit: 50, viewer: { kind: 'admin' } });
    expect(visible.items.map((i) => i.gitPath)).not.toContain('skills/alice/broken');
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  it('makes an invalid folder active when a later change fixes it', async () => {
    await commitFiles(content, { 'skills/alice/broken/SKILL.md': '---\nname: broken\n---\n# Broken\n' });
    await syncCatalog(deps);
    const invalid = await db.items.findByGitPath('skills/alice/broken');
    expect(invalid?.status).toBe('invalid');

    const fixed = await commitFiles(content, { 'skills/alice/broken/SKILL.md': skillMd('broken', 'Now described.') });
    const result = await syncCatalog(deps);
    expect(result.counts).toMatchObject({ updated: 1, invalid: 0 });
    const row = await db.items.findByRef(ref('skill', 'alice', 'broken'));
    expect(row).toMatchObject({
      id: invalid!.id,
      status: 'active',
      problems: [],
      statusMessage: null,
      description: 'Now described.',
    });
    expect(await versionsOf(db, row)).toEqual([fixed]);
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  it('revives a folder of an unknown namespace once that namespace exists and sync runs again', async () => {
    // The problem recorded says "create it, then sync again": so creating the user and syncing must be enough.
    await commitFiles(content, { 'skills/carol/helper/SKILL.md': skillMd('helper') });
    await syncCatalog(deps);
    expect((await db.items.findByGitPath('skills/carol/helper'))?.problems[0]?.message).toMatch(
      /create it, then sync again/,
    );
    await db.users.insert(buildUser({ username: 'carol' }));
    await syncCatalog(deps);
    await verifyCatalog(deps, { repair: true });
    expect(await db.items.findByGitPath('skills/carol/helper')).toMatchObject({ status: 'active', problems: [] });
  });

  it('applies new folders once when two syncs run at the same time', async () => {
    const head = await seedThree();
    const results = await Promise.all([syncCatalog(deps), syncCatalog(deps)]);
    expect(results.filter((r) => r.changed && r.folders > 0)).toHaveLength(1);
    expect(results.map((r) => r.to)).toEqual([head, head]);
    const rows = await catalogRows(db);
    expect(rows.map((r) => r.gitPath)).toEqual([
      'mcp/platform/vault',
      'skills/alice/pdf-tools',
      'tools/bob/get-weather',
    ]);
    for (const row of rows) expect(await versionsOf(db, row)).toEqual([head]);
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  it('applies changes and removals of recorded folders once when three syncs run at the same time', async () => {
    const first = await seedThree();
    await syncCatalog(deps);
    const second = await commitFiles(
      content,
      { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools', 'Changed.', '2.0.0') },
      ['tools/bob/get-weather'],
    );
    const results = await Promise.all([syncCatalog(deps), syncCatalog(deps), syncCatalog(deps)]);
    expect(results.filter((r) => r.changed && r.folders > 0)).toHaveLength(1);
    expect((await db.sync.getState()).lastSyncedSha).toBe(second);
    expect((await catalogRows(db)).map((r) => `${r.gitPath} ${r.status}`)).toEqual([
      'mcp/platform/vault active',
      'skills/alice/pdf-tools active',
      'tools/bob/get-weather deleted',
    ]);
    const pdf = await db.items.findByRef(ref('skill', 'alice', 'pdf-tools'));
    expect((await versionsOf(db, pdf)).sort()).toEqual([first, second].sort());
    expect((await driftOf(deps)).driftCount).toBe(0);
  });

  describe('verifyCatalog', () => {
    it('reports no drift after a sync', async () => {
      const head = await seedThree();
      await syncCatalog(deps);
      const report = await verifyCatalog(deps);
      expect(report).toMatchObject({ head, folders: 3, items: 3, driftCount: 0 });
      expect(report.drift).toEqual({ gitOnly: [], dbOnly: [], stale: [] });
      expect(report.repaired).toBeUndefined();
      expect((await db.sync.getState()).lastVerifyReport).toMatchObject({ driftCount: 0, head });
    });

    it('reports each kind of drift by path, repairs all of it, and then reports none', async () => {
      await seedThree();
      await syncCatalog(deps);
      // Behind sync's back: a row marked deleted whose folder is in git, a row whose folder never was, a stale tree.
      const vault = (await db.items.findByRef(ref('mcp', 'platform', 'vault')))!;
      await db.items.update({ ...vault, status: 'deleted' });
      await db.items.insert(buildItem('skill/alice/ghost', { ownerUserId: alice.id }));
      const pdf = (await db.items.findByRef(ref('skill', 'alice', 'pdf-tools')))!;
      await db.items.update({ ...pdf, treeSha: 'f'.repeat(40), tags: ['kept'] });

      const report = await verifyCatalog(deps);
      expect(report.drift).toEqual({
        gitOnly: ['mcp/platform/vault'],
        dbOnly: ['skills/alice/ghost'],
        stale: ['skills/alice/pdf-tools'],
      });
      expect(report.driftCount).toBe(3);
      // Reporting alone changes nothing.
      expect((await db.items.findByRef(ref('skill', 'alice', 'pdf-tools')))?.treeSha).toBe('f'.repeat(40));

      const repaired = await verifyCatalog(deps, { repair: true });
      expect(repaired.driftCount).toBe(3);
      expect(repaired.repaired).toMatchObject({ removed: 1, invalid: 0 });
      expect(await db.items.findByRef(ref('mcp', 'platform', 'vault'))).toMatchObject({
        id: vault.id,
        status: 'active',
      });
      expect(await db.items.findByRef(ref('skill', 'alice', 'ghost'))).toMatchObject({ status: 'deleted' });
      expect(await db.items.findByRef(ref('skill', 'alice', 'pdf-tools'))).toMatchObject({
        id: pdf.id,
        treeSha: pdf.treeSha,
        tags: ['kept'],
      });
      const after = await verifyCatalog(deps);
      expect(after.driftCount).toBe(0);
      expect((await db.sync.getState()).lastSyncedSha).toBe(await content.head());
    });
  });

  describe('runNextSyncJob', () => {
    let clock: ManualClock;
    let flaky: FailingContentStore;

    beforeEach(() => {
      clock = new ManualClock();
      flaky = new FailingContentStore(content);
      deps = depsFor(db, flaky, { limits: LIMITS }, clock);
    });

    it('returns undefined when no job is due, and completes one that succeeds', async () => {
      expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
      const head = await seedThree();
      const job = newSyncJob({ kind: 'manual' }, clock.now());
      await db.sync.enqueue(job);
      const outcome = await runNextSyncJob(deps, 'w1');
      expect(outcome && 'result' in outcome && outcome.result).toMatchObject({ to: head, folders: 3 });
      expect(await db.sync.findJob(job.id)).toMatchObject({ status: 'done', attempts: 1, lockedBy: null });
      expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
    });

    it('retries a failing sync only after its backoff, then completes it', async () => {
      await seedThree();
      const job = newSyncJob({ kind: 'webhook' }, clock.now());
      await db.sync.enqueue(job);
      flaky.failNext(2);

      const first = await runNextSyncJob(deps, 'w1');
      expect(first).toMatchObject({ error: 'UnavailableError: GitHub is down' });
      const retryAt = (first as { retryAt: Date }).retryAt;
      // The first retry waits about one second: between 0.5 and 1.5 s.
      expect(retryAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(500);
      expect(retryAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(1500);
      expect(await db.sync.findJob(job.id)).toMatchObject({ status: 'queued', attempts: 1, runAfter: retryAt });
      expect(await db.sync.countJobs('queued')).toBe(1);

      clock.set(new Date(retryAt.getTime() - 1));
      expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
      clock.set(retryAt);
      const second = await runNextSyncJob(deps, 'w1');
      const secondRetry = (second as { retryAt: Date }).retryAt;
      // The second waits about two seconds: between 1 and 3 s.
      expect(secondRetry.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(1000);
      expect(secondRetry.getTime() - clock.now().getTime()).toBeLessThanOrEqual(3000);
      expect((await catalogRows(db)).length).toBe(0);

      clock.set(secondRetry);
      const third = await runNextSyncJob(deps, 'w1');
      expect(third && 'result' in third).toBe(true);
      expect(await db.sync.findJob(job.id)).toMatchObject({ status: 'done', attempts: 3 });
      expect((await catalogRows(db)).length).toBe(3);
    });

    it('parks a job as failed with its error after its last attempt, and the status lists it', async () => {
      const job = newSyncJob({ kind: 'webhook' }, clock.now(), { deliveryId: 'delivery-1' }, 3);
      await db.sync.enqueue(job);
      flaky.failNext(100);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const outcome = await runNextSyncJob(deps, 'w1');
        expect(outcome, `attempt ${attempt}`).toMatchObject({ job: { id: job.id, attempts: attempt } });
        const retryAt = (outcome as { retryAt: Date | null }).retryAt;
        if (attempt < 3) clock.set(retryAt!);
        else expect(retryAt).toBeNull();
      }
      expect(await db.sync.findJob(job.id)).toMatchObject({
        status: 'failed',
        attempts: 3,
        lastError: 'UnavailableError: GitHub is down',
      });
      clock.advance(24 * 3600_000);
      expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();

      flaky.failNext(0);
      const admin = actorOf((await db.users.findByUsername('alice'))!);
      const status = await getSyncStatus(deps, admin);
      expect(status.queue).toEqual({ queued: 0, running: 0, failed: 1 });
      expect(status.failedJobs.map((j) => [j.id, j.lastError])).toEqual([[job.id, 'UnavailableError: GitHub is down']]);
    });
  });
});

describe('syncCatalog after a force push', () => {
  let dir: string;
  let gitdir: string;
  let content: LocalGitContentStore;
  let deps: AtlasDeps;
  const git = (cwd: string, ...args: string[]) =>
    exec('git', ['-c', 'user.name=Grace', '-c', 'user.email=grace@example.com', ...args], { cwd });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atlas-force-push-'));
    gitdir = join(dir, 'content.git');
    content = await LocalGitContentStore.open(gitdir);
    const db = new InMemoryDatabase();
    deps = depsFor(db, content);
    await seedNamespaces(db);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compares git with the whole catalog when the synced commit is no longer in the history', async () => {
    await commitFiles(content, { 'skills/alice/kept/SKILL.md': skillMd('kept') });
    const base = await content.head();
    const dropped = await commitFiles(content, {
      'skills/alice/dropped/SKILL.md': skillMd('dropped'),
      'skills/alice/kept/SKILL.md': skillMd('kept', 'Changed in a commit that is thrown away.'),
    });
    await syncCatalog(deps);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(dropped);

    // Someone resets the branch to an older commit, adds another, and force-pushes; git then forgets the old commit.
    const clone = join(dir, 'clone');
    await exec('git', ['clone', '-q', gitdir, clone]);
    await git(clone, 'reset', '-q', '--hard', base);
    const file = join(clone, 'skills/bob/fresh/SKILL.md');
    await mkdir(dirname(file), { recursive: true });
    writeFileSync(file, skillMd('fresh'));
    await git(clone, 'add', '-A');
    await git(clone, 'commit', '-q', '-m', 'Start over');
    await git(clone, 'push', '-q', '--force', 'origin', 'HEAD:main');
    await git(gitdir, 'reflog', 'expire', '--expire=now', '--all');
    await git(gitdir, 'gc', '-q', '--prune=now');
    await expect(git(gitdir, 'cat-file', '-e', dropped)).rejects.toThrow();

    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ from: dropped, to: await content.head(), changed: true });
    expect(result.counts).toMatchObject({ added: 1, updated: 1, removed: 1 });
    const rows = await catalogRows(deps.db);
    expect(rows.map((r) => `${r.gitPath} ${r.status}`)).toEqual([
      'skills/alice/dropped deleted',
      'skills/alice/kept active',
      'skills/bob/fresh active',
    ]);
    expect(rows.find((r) => r.name === 'kept')?.description).toBe('The kept skill.');
    expect((await driftOf(deps)).driftCount).toBe(0);
  });
});

describe('backoffMs', () => {
  it('doubles with each attempt from the base, at the middle of its jitter', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, 1000, middle))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(backoffMs(3, 10, middle)).toBe(40);
  });

  it('stays within half and one and a half times the exponential value', () => {
    expect(backoffMs(3, 1000, () => 0)).toBe(2000);
    expect(backoffMs(3, 1000, () => 0.999_999)).toBeLessThanOrEqual(6000);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const exponential = 1000 * 2 ** (attempt - 1);
      const samples = Array.from({ length: 200 }, () => backoffMs(attempt));
      for (const wait of samples) {
        expect(wait).toBeGreaterThanOrEqual(exponential * 0.5);
        expect(wait).toBeLessThanOrEqual(exponential * 1.5);
      }
      // Jittered: not every retry of the same attempt waits the same time.
      expect(new Set(samples).size).toBeGreaterThan(1);
    }
  });

  it('caps the exponential value at five minutes', () => {
    const middle = () => 0.5;
    expect(backoffMs(10, 1000, middle)).toBe(300_000);
    expect(backoffMs(30, 1000, middle)).toBe(300_000);
    expect(backoffMs(5000, 1000, middle)).toBe(300_000);
    expect(backoffMs(30, 1000, () => 0.999_999)).toBeLessThanOrEqual(450_000);
  });
});

describe('POST /api/v1/webhooks/github', () => {
  const url = '/api/v1/webhooks/github';
  const github = {
    kind: 'github' as const,
    owner: 'acme',
    repo: 'catalog',
    branch: 'main',
    token: 'unused',
    apiUrl: 'http://127.0.0.1:1',
  };
  let db: InMemoryDatabase;
  let deps: AtlasDeps;
  let app: AtlasApp;

  beforeAll(async () => {
    db = new InMemoryDatabase();
    deps = depsFor(db, new InMemoryContentStore(), { webhookSecret: WEBHOOK_SECRET, content: github });
    app = await buildApp(deps);
    await app.ready();
    return () => app.close();
  });
  beforeEach(() => db.clear());

  const deliver = (
    target: AtlasApp,
    payload: string,
    deliveryId: string | undefined,
    options: { event?: string; headers?: Record<string, string> } = {},
  ) =>
    target.inject({
      method: 'POST',
      url,
      headers: { ...webhookHeaders(payload, deliveryId, options.event), ...options.headers },
      payload,
    });
  const jobs = async () => [
    ...(await db.sync.listJobs('queued', 100)),
    ...(await db.sync.listJobs('running', 100)),
    ...(await db.sync.listJobs('done', 100)),
  ];

  it('answers a ping with 200 and queues nothing', async () => {
    const res = await deliver(app, JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), 'ping-1', {
      event: 'ping',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'pong' });
    expect(await jobs()).toEqual([]);
  });

  it('queues exactly one sync for a push to the content branch with 202, and answers a repeat with 200 duplicate', async () => {
    const after = 'c'.repeat(40);
    const payload = pushPayload({ after });
    const res = await deliver(app, payload, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ outcome: 'queued' });
    const queued = await jobs();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      reason: { kind: 'webhook' },
      status: 'queued',
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      afterSha: after,
    });
    expect(await db.sync.findDelivery('72d3162e-cc78-11e3-81ab-4c9367dc0958')).toMatchObject({
      event: 'push',
      outcome: 'queued',
      afterSha: after,
    });

    const again = await deliver(app, payload, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ outcome: 'duplicate' });
    expect(await jobs()).toHaveLength(1);
  });

  it('matches the repository name without regard to case', async () => {
    const res = await deliver(app, pushPayload({ repository: 'ACME/Catalog' }), 'case-1');
    expect(res.statusCode).toBe(202);
  });

  it.each([
    ['another branch', { ref: 'refs/heads/feature' }],
    ['a tag', { ref: 'refs/tags/v1.0.0' }],
    ['another repository', { repository: 'acme/other' }],
  ])('acknowledges a push to %s with 200 ignored and queues nothing', async (_what, options) => {
    const res = await deliver(app, pushPayload(options), 'other-1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'ignored', reason: expect.any(String) });
    expect(await jobs()).toEqual([]);
    expect(await db.sync.findDelivery('other-1')).toMatchObject({ outcome: 'ignored' });
  });

  it('acknowledges an event it does not use with 200 ignored', async () => {
    const res = await deliver(app, JSON.stringify({ action: 'opened' }), 'issue-1', { event: 'issues' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'ignored' });
    expect(await jobs()).toEqual([]);
  });

  it.each([
    ['a wrong signature', () => `sha256=${'0'.repeat(64)}`],
    ['a signature made with another secret', (payload: string) => sign(payload, 'another secret')],
    ['a sha1 signature', () => `sha1=${'0'.repeat(40)}`],
    ['no signature', () => ''],
  ])('refuses %s with 401 and stores nothing', async (_what, signatureOf) => {
    const payload = pushPayload();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { ...webhookHeaders(payload, 'forged-1'), 'x-hub-signature-256': signatureOf(payload) },
      payload,
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await db.sync.findDelivery('forged-1')).toBeUndefined();
    expect(await jobs()).toEqual([]);
  });

  it('refuses a delivery in the form encoding (GitHub offers it) without storing it', async () => {
    const payload = `payload=${encodeURIComponent(pushPayload())}`;
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { ...webhookHeaders(payload, 'form-1'), 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(await db.sync.findDelivery('form-1')).toBeUndefined();
    expect(await jobs()).toEqual([]);
  });

  it('refuses a body changed after signing with 401', async () => {
    const payload = pushPayload();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: webhookHeaders(payload, 'tampered-1'),
      payload: payload.replace('acme/catalog', 'acme/catalog '),
    });
    expect(res.statusCode).toBe(401);
    expect(await db.sync.findDelivery('tampered-1')).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['with characters GitHub never sends', 'id with spaces;drop'],
    ['too long', 'a'.repeat(150)],
  ])('refuses a delivery id that is %s with 400 naming its header', async (_what, deliveryId) => {
    const res = await deliver(app, pushPayload(), deliveryId);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'validation',
      problems: [{ path: 'headers/x-github-delivery', message: expect.any(String) }],
    });
    expect(await jobs()).toEqual([]);
  });

  it('refuses an event name GitHub never sends with 400 naming its header', async () => {
    const res = await deliver(app, pushPayload(), 'bad-event-1', { event: 'Push!' });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([{ path: 'headers/x-github-event', message: expect.any(String) }]);
    expect(await db.sync.findDelivery('bad-event-1')).toBeUndefined();
  });

  it.each([
    ['text that is not JSON', 'ref=refs/heads/main'],
    ['a JSON array', '[1, 2]'],
    ['a JSON string', '"push"'],
  ])('refuses a signed body that is %s with 400', async (_what, payload) => {
    const res = await deliver(app, payload, 'garbage-1');
    expect(res.statusCode).toBe(400);
    expect(res.json().problems.map((p: { path: string }) => p.path)).toContain('body');
    expect(await db.sync.findDelivery('garbage-1')).toBeUndefined();
  });

  it('answers 503 when no webhook secret is configured, storing nothing', async () => {
    const bare = depsFor(db, new InMemoryContentStore(), { content: github });
    const unconfigured = await buildApp(bare);
    try {
      const res = await deliver(unconfigured, pushPayload(), 'nosecret-1');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'unavailable' });
      expect(await db.sync.findDelivery('nosecret-1')).toBeUndefined();
    } finally {
      await unconfigured.close();
    }
  });

  it('answers an error, never 202, when the database is unreachable', async () => {
    const connection = await openPostgres('postgres://postgres@127.0.0.1:1/none');
    const down = depsFor(new PostgresDatabase(connection), new InMemoryContentStore(), {
      webhookSecret: WEBHOOK_SECRET,
      content: github,
    });
    const unreachable = await buildApp(down);
    try {
      const push = await deliver(unreachable, pushPayload(), 'down-1');
      expect(push.statusCode).toBeGreaterThanOrEqual(500);
      expect(push.statusCode).toBe(503);
      const ping = await deliver(unreachable, '{}', 'down-2', { event: 'ping' });
      expect(ping.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await unreachable.close();
      await connection.close();
    }
  });

  it('does the sync work outside the request: the catalog is unchanged when the answer comes', async () => {
    const content = new InMemoryContentStore();
    const local = new InMemoryDatabase();
    const withContent = depsFor(local, content, { webhookSecret: WEBHOOK_SECRET, content: github });
    await seedNamespaces(local);
    const head = await commitFiles(content, { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools') });
    const quick = await buildApp(withContent);
    try {
      const res = await deliver(quick, pushPayload({ after: head }), 'work-1');
      expect(res.statusCode).toBe(202);
      expect(await catalogRows(local)).toEqual([]);
      const outcome = await runNextSyncJob(withContent, 'w1');
      expect(outcome && 'result' in outcome && outcome.result.to).toBe(head);
      expect(await catalogRows(local)).toHaveLength(1);
    } finally {
      await quick.close();
    }
  });
});

describe('a webhook while GitHub is down', () => {
  it('is still queued with 202: the failure belongs to the job, which records it', async () => {
    // The request never touches the content store: a store that is down does not fail the delivery.
    const db = new InMemoryDatabase();
    const flaky = new FailingContentStore(new InMemoryContentStore());
    flaky.failNext(100, () => new UnavailableError('GitHub is down'));
    const deps = depsFor(db, flaky, {
      webhookSecret: WEBHOOK_SECRET,
      content: { kind: 'github', owner: 'acme', repo: 'catalog', branch: 'main', token: 't', apiUrl: 'http://x' },
    });
    const app = await buildApp(deps);
    try {
      const payload = pushPayload();
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/github',
        headers: webhookHeaders(payload, 'store-down-1'),
        payload,
      });
      expect(res.statusCode).toBe(202);
      expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ error: 'UnavailableError: GitHub is down' });
    } finally {
      await app.close();
    }
  });
});

describe('GET /api/v1/sync/status and POST /api/v1/sync/verify', () => {
  const db = new InMemoryDatabase();
  const content = new InMemoryContentStore();
  const deps = depsFor(db, content);
  let app: AtlasApp;
  let admin: string;
  let alice: string;

  beforeAll(async () => {
    app = await buildApp(deps, { rateLimits: { perAddress: 1000, perAccount: 1000 } });
    await app.ready();
    // The first account is the site admin.
    admin = await register(app, 'ada');
    alice = await register(app, 'alice');
    return () => app.close();
  });

  it('shows an administrator the head, the lag, the queue, failed jobs and invalid items', async () => {
    const head = await commitFiles(content, {
      'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools'),
      'skills/alice/broken/SKILL.md': '---\nname: broken\n---\n',
    });
    const before = await client(app).get('/api/v1/sync/status', admin);
    expect(before.status, before.raw).toBe(200);
    expect(before.body).toMatchObject({ head, lastSyncedSha: null, behind: true });

    await syncCatalog(deps);
    const parked = newSyncJob({ kind: 'webhook' }, new Date(), { deliveryId: 'lost-1' }, 1);
    await db.sync.enqueue(parked);
    await db.sync.claim('w1', new Date(), new Date(Date.now() + 60_000));
    await db.sync.fail(parked.id, 'UnavailableError: GitHub is down', new Date(), null);

    const res = await client(app).get('/api/v1/sync/status', admin);
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({
      head,
      lastSyncedSha: head,
      behind: false,
      lagSeconds: 0,
      queue: { queued: 0, running: 0, failed: 1 },
      failedJobs: [{ id: parked.id, reason: 'webhook', attempts: 1, lastError: 'UnavailableError: GitHub is down' }],
    });
    expect(res.body.invalidItems).toHaveLength(1);
    expect(res.body.invalidItems[0]).toMatchObject({
      item: { ref: 'skill/alice/broken' },
      problems: [{ path: 'SKILL.md#/description', message: 'is required' }],
    });
  });

  it('refuses the status to anonymous callers with 401 and to other users with 403', async () => {
    expect((await client(app).get('/api/v1/sync/status')).status).toBe(401);
    expect((await client(app).get('/api/v1/sync/status', alice)).status).toBe(403);
    expect((await client(app).post('/api/v1/sync/verify', {}, alice)).status).toBe(403);
  });

  it('verifies on demand, repairs with repair: true, and shows the last report in the status', async () => {
    await syncCatalog(deps);
    const user = await db.users.findByUsername('alice');
    await db.items.insert(buildItem('skill/alice/ghost', { ownerUserId: user!.id }));
    const report = await client(app).post('/api/v1/sync/verify', {}, admin);
    expect(report.status, report.raw).toBe(200);
    expect(report.body).toMatchObject({
      driftCount: 1,
      drift: { gitOnly: [], dbOnly: ['skills/alice/ghost'], stale: [] },
    });
    expect(report.body.repaired).toBeUndefined();

    const repaired = await client(app).post('/api/v1/sync/verify', { repair: true }, admin);
    expect(repaired.body).toMatchObject({ driftCount: 1, repaired: { removed: 1 } });
    const after = await client(app).post('/api/v1/sync/verify', {}, admin);
    expect(after.body.driftCount).toBe(0);
    const status = await client(app).get('/api/v1/sync/status', admin);
    expect(status.body.lastVerify).toMatchObject({ at: expect.any(String), report: { driftCount: 0 } });
    expect((await client(app).post('/api/v1/sync/verify', { repair: 'yes' }, admin)).status).toBe(400);
  });
});
