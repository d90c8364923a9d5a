import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import {
  ConflictError,
  ForbiddenError,
  TooLargeError,
  UnauthenticatedError,
  ValidationError,
} from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import {
  atlasState,
  auditTrail,
  catalogWorld,
  commitByHand,
  contentWithHooks,
  crashingDatabase,
  databaseWithFailingAudit,
  markSynced,
  ref,
  serverFiles,
  serverJson,
  skillFiles,
  skillMd,
  text,
  textFile,
  toolFiles,
} from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { publishItem } from './publish-item.ts';

async function problemsOf(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

describe('publishItem', () => {
  it('writes the files to git in one commit, then records the item, its version and an audit entry', async () => {
    const { clock, deps, alice } = await catalogWorld();
    const headBefore = await deps.content.head();
    const files = skillFiles('pdf-tools', { description: 'Extract text from PDFs.', version: '1.0.0' });
    const published = await publishItem(
      deps,
      { namespace: 'alice', files, tags: ['pdf', 'PDF', 'ocr'], message: 'First cut' },
      alice,
    );

    expect(published.unchanged).toBe(false);
    expect(published.warnings).toEqual([]);
    // git
    expect(await deps.content.head()).toBe(published.commitSha);
    expect(await deps.content.listItems()).toEqual([{ folder: 'skills/alice/pdf-tools', treeSha: published.treeSha }]);
    const snapshot = await deps.content.readItem('skills/alice/pdf-tools');
    expect(snapshot?.files).toEqual(files);
    const { entries } = await deps.content.history('skills/alice/pdf-tools', { limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      commitSha: published.commitSha,
      treeSha: published.treeSha,
      message: expect.stringMatching(/^Publish skill\/alice\/pdf-tools\n\nFirst cut/),
      author: { name: 'alice', email: 'alice@example.com' },
    });
    expect(published.commitSha).not.toBe(headBefore);
    // database
    const item = await deps.db.items.findByRef(ref('skill/alice/pdf-tools'));
    expect(item).toEqual(published.item);
    expect(item).toMatchObject({
      gitPath: 'skills/alice/pdf-tools',
      commitSha: published.commitSha,
      treeSha: published.treeSha,
      description: 'Extract text from PDFs.',
      version: '1.0.0',
      ownerUserId: alice.user.id,
      teamId: null,
      tags: ['pdf', 'ocr'],
      visibility: 'org',
      status: 'active',
      usageCount: 0,
      createdAt: clock.now(),
    });
    const versions = await deps.db.items.listVersions(item!.id);
    expect(versions.map((v) => [v.commitSha, v.treeSha, v.version, v.publishedBy])).toEqual([
      [published.commitSha, published.treeSha, '1.0.0', alice.user.id],
    ]);
    const [entry] = await auditTrail(deps, 'item.');
    expect(entry).toMatchObject({
      action: 'item.publish',
      actorName: 'alice',
      target: 'skill/alice/pdf-tools',
      details: { commitSha: published.commitSha, treeSha: published.treeSha, version: '1.0.0' },
    });
  });

  it("lets a team member publish into the team's namespace: the item belongs to the team and its publisher", async () => {
    const { deps, mia, team } = await catalogWorld();
    const published = await publishItem(
      deps,
      { namespace: 'platform', files: skillFiles('deploy'), visibility: 'team' },
      mia,
    );
    expect(await deps.db.items.findByRef(ref('skill/platform/deploy'))).toMatchObject({
      id: published.item.id,
      ownerUserId: mia.user.id,
      teamId: team.id,
      visibility: 'team',
    });
    expect(await deps.content.listItems()).toEqual([{ folder: 'skills/platform/deploy', treeSha: published.treeSha }]);
  });

  it("lets a site admin publish into someone else's namespace", async () => {
    const { deps, admin } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: skillFiles('fixes') }, admin);
    expect((await deps.db.items.findByRef(ref('skill/alice/fixes')))?.ownerUserId).toBe(admin.user.id);
  });

  it('names a new MCP server after its server.json name, or after the name asked for, and keeps its title', async () => {
    const { deps, alice } = await catalogWorld();
    const derived = await publishItem(
      deps,
      { namespace: 'alice', files: serverFiles(serverJson({ title: 'Weather' })) },
      alice,
    );
    expect(derived.item).toMatchObject({ kind: 'mcp', name: 'weather-mcp', title: 'Weather', version: '1.0.0' });
    const forecast = serverFiles(serverJson({ name: 'io.github.acme/forecast-mcp' }));
    const named = await publishItem(deps, { namespace: 'alice', name: 'forecast', files: forecast }, alice);
    expect(named.item.gitPath).toBe('mcp/alice/forecast');
    expect((await deps.content.listItems()).map((t) => t.folder)).toEqual([
      'mcp/alice/forecast',
      'mcp/alice/weather-mcp',
    ]);
  });

  it('publishes a tool under the name its tool.json gives', async () => {
    const { deps, alice } = await catalogWorld();
    const published = await publishItem(deps, { namespace: 'alice', files: toolFiles() }, alice);
    expect(published.item).toMatchObject({ kind: 'tool', name: 'get-forecast', gitPath: 'tools/alice/get-forecast' });
    expect(await deps.db.items.findByRef(ref('tool/alice/get-forecast'))).toBeDefined();
  });

  it('answers with warnings for what it accepts but the spec does not', async () => {
    const { deps, alice } = await catalogWorld();
    const published = await publishItem(
      deps,
      { namespace: 'alice', files: [textFile('SKILL.md', skillMd('old-style', 'Old.', 'version: 1.0.0\n'))] },
      alice,
    );
    expect(published.warnings.map((w) => w.path)).toEqual(['SKILL.md#/version']);
    expect(published.item.version).toBe('1.0.0');
  });

  it("refuses another user's namespace and a team the actor is not in with ForbiddenError, changing nothing", async () => {
    const { deps, otto, alice } = await catalogWorld();
    const before = await atlasState(deps);
    await expect(publishItem(deps, { namespace: 'alice', files: skillFiles('sneaky') }, otto)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      publishItem(deps, { namespace: 'platform', files: skillFiles('sneaky') }, alice),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses a namespace nobody holds with ValidationError at namespace, changing nothing', async () => {
    const { deps, alice } = await catalogWorld();
    const before = await atlasState(deps);
    expect(
      (await problemsOf(publishItem(deps, { namespace: 'nobody', files: skillFiles('x1') }, alice))).map((p) => p.path),
    ).toEqual(['namespace']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps } = await catalogWorld({ publicRead: true });
    const before = await atlasState(deps);
    await expect(
      publishItem(deps, { namespace: 'alice', files: skillFiles('x1') }, anonymous()),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('reports every problem of the manifest at once with ValidationError, before anything is written', async () => {
    const { deps, alice } = await catalogWorld();
    const before = await atlasState(deps);
    const problems = await problemsOf(
      publishItem(deps, { namespace: 'alice', files: [textFile('SKILL.md', '---\nname: Bad_Name\n---\n')] }, alice),
    );
    expect(problems.map((p) => p.path)).toEqual(['SKILL.md#/name', 'SKILL.md#/description']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('reports every bad file path at once with ValidationError, before anything is written', async () => {
    const { deps, alice } = await catalogWorld();
    const before = await atlasState(deps);
    const problems = await problemsOf(
      publishItem(
        deps,
        {
          namespace: 'alice',
          files: [...skillFiles('x1'), textFile('../escape.sh', 'x'), textFile('a/.git/config', 'x')],
        },
        alice,
      ),
    );
    expect(problems.map((p) => p.path)).toEqual(['../escape.sh', 'a/.git/config']);
    expect(await atlasState(deps)).toEqual(before);
  });

  // Bug: prepareBundle stops at the path problems and never parses the manifest, so a bundle with a bad
  // path and a bad manifest gets only half its problems (the TSDoc promises every problem at once).
  it('reports a bad file path and a bad manifest together', async () => {
    const { deps, alice } = await catalogWorld();
    const problems = await problemsOf(
      publishItem(
        deps,
        { namespace: 'alice', files: [textFile('SKILL.md', '---\nname: x1\n---\n'), textFile('../escape.sh', 'x')] },
        alice,
      ),
    );
    expect(problems.map((p) => p.path)).toEqual(['../escape.sh', 'SKILL.md#/description']);
  });

  it('refuses files without exactly one manifest with ValidationError', async () => {
    const { deps, alice } = await catalogWorld();
    const before = await atlasState(deps);
    expect((await problemsOf(publishItem(deps, { namespace: 'alice', files: [] }, alice)))[0]?.path).toBe('files');
    expect(
      (await problemsOf(publishItem(deps, { namespace: 'alice', files: [textFile('README.md', '# x')] }, alice)))[0]
        ?.path,
    ).toBe('.');
    expect(
      (
        await problemsOf(publishItem(deps, { namespace: 'alice', files: [...skillFiles('x1'), ...toolFiles()] }, alice))
      )[0]?.path,
    ).toBe('SKILL.md, tool.json');
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses bad tags with ValidationError naming each, changing nothing', async () => {
    const { deps, alice } = await catalogWorld();
    const before = await atlasState(deps);
    const problems = await problemsOf(
      publishItem(deps, { namespace: 'alice', files: skillFiles('x1'), tags: ['ok', 'Not A Tag!', '-x'] }, alice),
    );
    expect(problems.map((p) => p.path)).toEqual(['tags/1', 'tags/2']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('names bad tags and a bad manifest in one answer', async () => {
    const { deps, alice } = await catalogWorld();
    const problems = await problemsOf(
      publishItem(
        deps,
        { namespace: 'alice', files: [textFile('SKILL.md', '---\nname: x1\n---\n')], tags: ['Not A Tag!'] },
        alice,
      ),
    );
    expect(problems.map((p) => p.path)).toEqual(['tags/0', 'SKILL.md#/description']);
  });

  it('refuses an item over the size limits with TooLargeError, changing nothing', async () => {
    const { deps, alice } = await catalogWorld();
    const small = { ...deps, limits: { ...deps.limits, maxFileBytes: 100 } };
    const before = await atlasState(deps);
    const error = await publishItem(
      small,
      { namespace: 'alice', files: [...skillFiles('x1'), textFile('big.txt', 'x'.repeat(101))] },
      alice,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooLargeError);
    expect((error as TooLargeError).problems.map((p) => p.path)).toEqual(['big.txt']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('answers identical content for an existing item as a no-op with the existing commit', async () => {
    const { clock, deps, alice } = await catalogWorld();
    const first = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    clock.advance(1000);
    const before = await atlasState(deps);
    const again = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    expect(again).toMatchObject({ unchanged: true, commitSha: first.commitSha, treeSha: first.treeSha });
    expect(again.item).toEqual(first.item);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses other content for an existing item with ConflictError carrying its tree SHA, changing nothing', async () => {
    const { deps, alice, admin } = await catalogWorld();
    const first = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    const before = await atlasState(deps);
    for (const actor of [alice, admin]) {
      const error = await publishItem(
        deps,
        { namespace: 'alice', files: skillFiles('pdf-tools', { script: 'echo changed\n' }) },
        actor,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).currentRevision).toBe(first.treeSha);
    }
    expect(await atlasState(deps)).toEqual(before);
  });

  it('revives a deleted item: same row, usage count and creation time, new commit, audited as a republish', async () => {
    const { clock, deps, alice } = await catalogWorld();
    const first = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools'), tags: ['pdf'] }, alice);
    await deps.db.items.update({ ...first.item, usageCount: 7 });
    await deleteItem(deps, { ref: ref('skill/alice/pdf-tools') }, alice);
    clock.advance(60_000);

    const revived = await publishItem(
      deps,
      { namespace: 'alice', files: skillFiles('pdf-tools', { script: 'echo v2\n' }) },
      alice,
    );
    const row = await deps.db.items.findByRef(ref('skill/alice/pdf-tools'));
    expect(row).toMatchObject({
      id: first.item.id,
      status: 'active',
      usageCount: 7,
      tags: ['pdf'],
      createdAt: first.item.createdAt,
      updatedAt: clock.now(),
      treeSha: revived.treeSha,
    });
    expect(await deps.content.listItems()).toEqual([{ folder: 'skills/alice/pdf-tools', treeSha: revived.treeSha }]);
    expect((await deps.db.items.listVersions(first.item.id)).map((v) => v.commitSha)).toEqual([
      revived.commitSha,
      first.commitSha,
    ]);
    expect((await auditTrail(deps, 'item.')).map((e) => e.action)).toEqual([
      'item.publish',
      'item.delete',
      'item.republish',
    ]);
  });

  it('refuses to revive a deleted item with other content under a version it already published (ConflictError)', async () => {
    const { deps, alice } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools', { version: '1.0.0' }) }, alice);
    await deleteItem(deps, { ref: ref('skill/alice/pdf-tools') }, alice);
    const before = await atlasState(deps);
    await expect(
      publishItem(
        deps,
        { namespace: 'alice', files: skillFiles('pdf-tools', { version: '1.0.0', script: 'echo other\n' }) },
        alice,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('replaces a folder sync recorded as invalid, making it an active item of its publisher', async () => {
    const { deps, alice } = await catalogWorld();
    await commitByHand(deps.content, 'skills/alice/pdf-tools', [textFile('SKILL.md', 'no frontmatter')]);
    const invalid = buildItem('skill/alice/pdf-tools', {
      status: 'invalid',
      ownerUserId: null,
      problems: [{ path: 'SKILL.md:1', message: 'must start with a YAML frontmatter' }],
    });
    await deps.db.items.insert(invalid);
    const published = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    expect(await deps.db.items.findByRef(ref('skill/alice/pdf-tools'))).toMatchObject({
      id: invalid.id,
      status: 'active',
      problems: [],
      ownerUserId: alice.user.id,
      treeSha: published.treeSha,
    });
    expect(await deps.content.listItems()).toEqual([{ folder: 'skills/alice/pdf-tools', treeSha: published.treeSha }]);
    expect((await auditTrail(deps, 'item.'))[0]?.action).toBe('item.republish');
  });

  it('refuses a folder git holds but the catalog does not know with ConflictError, leaving git alone', async () => {
    const { deps, alice } = await catalogWorld();
    await commitByHand(deps.content, 'skills/alice/pdf-tools', skillFiles('pdf-tools', { script: 'echo hand\n' }));
    const before = await atlasState(deps);
    await expect(
      publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('writes the row, its version and the audit entry in one transaction: a failure leaves none of them', async () => {
    const { deps, alice } = await catalogWorld();
    await expect(
      publishItem(
        { ...deps, db: databaseWithFailingAudit(deps.db) },
        { namespace: 'alice', files: skillFiles('pdf-tools') },
        alice,
      ),
    ).rejects.toThrow('the audit log is full');
    expect(await deps.db.items.findByRef(ref('skill/alice/pdf-tools'))).toBeUndefined();
    expect(await auditTrail(deps, 'item.')).toEqual([]);
  });

  it('records content git already holds exactly once after a crash between git and the database', async () => {
    const { deps, alice } = await catalogWorld();
    const crashing = crashingDatabase(deps.db);
    crashing.crashNextTransaction();
    const files = skillFiles('pdf-tools', { version: '1.0.0' });
    await expect(publishItem({ ...deps, db: crashing.db }, { namespace: 'alice', files }, alice)).rejects.toThrow(
      'the database connection was lost',
    );
    const committed = await deps.content.head();
    expect(await deps.db.items.findByRef(ref('skill/alice/pdf-tools'))).toBeUndefined();

    const retried = await publishItem({ ...deps, db: crashing.db }, { namespace: 'alice', files }, alice);
    expect(retried.unchanged).toBe(false);
    expect(retried.commitSha).toBe(committed);
    expect(await deps.content.head()).toBe(committed);
    const row = await deps.db.items.findByRef(ref('skill/alice/pdf-tools'));
    expect(row).toMatchObject({ commitSha: committed, treeSha: retried.treeSha, status: 'active' });
    expect((await deps.db.items.listVersions(row!.id)).map((v) => v.commitSha)).toEqual([committed]);
    expect(await auditTrail(deps, 'item.publish')).toHaveLength(1);
  });

  it('takes over the row sync made of the same commit meanwhile instead of duplicating it', async () => {
    const { deps, alice } = await catalogWorld();
    const hooked = contentWithHooks(deps.content);
    let syncRowId = '';
    hooked.afterNextCommit(async (commitSha) => {
      const listing = await deps.content.listItemFiles('skills/alice/pdf-tools', commitSha);
      const row = buildItem('skill/alice/pdf-tools', {
        commitSha,
        treeSha: listing!.treeSha,
        ownerUserId: null,
        usageCount: 3,
      });
      syncRowId = row.id;
      await deps.db.items.insert(row);
    });

    const published = await publishItem(
      { ...deps, content: hooked.content },
      { namespace: 'alice', files: skillFiles('pdf-tools') },
      alice,
    );
    expect(published.item.id).toBe(syncRowId);
    const row = await deps.db.items.findByRef(ref('skill/alice/pdf-tools'));
    expect(row).toMatchObject({
      id: syncRowId,
      usageCount: 3,
      ownerUserId: alice.user.id,
      commitSha: published.commitSha,
    });
    const all = await deps.db.items.search({ sort: 'name', limit: 10, viewer: { kind: 'admin' } });
    expect(all.items).toHaveLength(1);
  });

  it('moves the synced commit over its own commit when the catalog was synced up to its parent', async () => {
    const { deps, alice } = await catalogWorld();
    await markSynced(deps);
    const published = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(published.commitSha);
  });

  it('leaves the synced commit alone when sync is behind, so sync reads the branch itself', async () => {
    const { deps, alice } = await catalogWorld();
    const synced = await markSynced(deps);
    await commitByHand(deps.content, 'skills/alice/by-hand', skillFiles('by-hand'));
    await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(synced);
  });

  it('keeps a binary file and the executable bit exactly as given', async () => {
    const { deps, alice } = await catalogWorld();
    const logo = { path: 'assets/logo.png', content: new Uint8Array([0x89, 0x50, 0, 0xff, 0xfe]), executable: false };
    await publishItem(deps, { namespace: 'alice', files: [...skillFiles('pdf-tools'), logo] }, alice);
    const snapshot = await deps.content.readItem('skills/alice/pdf-tools');
    expect(snapshot?.files.find((f) => f.path === 'assets/logo.png')?.content).toEqual(logo.content);
    expect(snapshot?.files.find((f) => f.path === 'scripts/run.sh')?.executable).toBe(true);
    expect(text(await deps.content.readFile('skills/alice/pdf-tools/SKILL.md'))).toContain('name: pdf-tools');
  });
});
