import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import { catalogWorld, ref, serverFiles, skillFiles, textFile } from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { patchItem } from './patch-item.ts';
import { publishItem } from './publish-item.ts';
import {
  indexedSkillPages,
  listSkillIndex,
  nameHolders,
  readIndexedSkillFile,
  resolveSkillIndex,
  type SkillPacker,
  searchIndexedSkills,
  skillArtifactsOf,
} from './skill-index.ts';
import { updateItem } from './update-item.ts';

/**
 * alice publishes `pdf` first, then team platform publishes its own `pdf` and `deploy`; alice also has a
 * team-only skill, a deprecated one and an MCP server, and platform a team-only skill.
 */
async function withSkills(settings: Parameters<typeof catalogWorld>[0] = { publicRead: true }) {
  const world = await catalogWorld(settings);
  const { deps, alice, mia, clock } = world;
  const publish = async (namespace: string, files: ReturnType<typeof skillFiles>, actor: typeof alice, extra = {}) => {
    clock.advance(1000);
    return publishItem(deps, { namespace, files, ...extra }, actor);
  };
  await publish('alice', skillFiles('pdf', { description: 'Alice reads PDFs.' }), alice);
  await publish('platform', skillFiles('pdf', { description: 'Platform reads PDFs.' }), mia);
  await publish('platform', skillFiles('deploy', { description: 'Deploy services.' }), mia);
  await publish('platform', skillFiles('runbook'), mia, { visibility: 'team' });
  await publish('alice', skillFiles('diary'), alice, { visibility: 'team' });
  await publish('alice', skillFiles('old'), alice);
  clock.advance(1000);
  await patchItem(deps, { ref: ref('skill/alice/old'), status: 'deprecated', statusMessage: 'use pdf' }, alice);
  await publish('alice', serverFiles(), alice);
  return world;
}

const names = (skills: { namespace: string; name: string }[]) => skills.map((s) => `${s.namespace}/${s.name}`);

describe('nameHolders', () => {
  it('keeps one skill per name, the first published, then by namespace; sorted by name', () => {
    const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);
    const held = nameHolders([
      { namespace: 'data', name: 'pdf', createdAt: at(2) },
      { namespace: 'zeta', name: 'csv', createdAt: at(5) },
      { namespace: 'platform', name: 'pdf', createdAt: at(1) },
      { namespace: 'alpha', name: 'csv', createdAt: at(5) },
    ]);
    expect(names(held)).toEqual(['alpha/csv', 'platform/pdf']);
  });
});

describe('listSkillIndex', () => {
  it('lists the active skills an anonymous reader may see, one per name, the first published holding it', async () => {
    const { deps } = await withSkills();
    const target = await resolveSkillIndex(deps, {});
    expect(names(await listSkillIndex(deps, target))).toEqual(['platform/deploy', 'alice/pdf']);
  });

  it("lists a team's skills under /registries/<team>, where its own pdf holds the name", async () => {
    const { deps } = await withSkills();
    const target = await resolveSkillIndex(deps, { team: 'platform' });
    expect(target.teamSlug).toBe('platform');
    expect(names(await listSkillIndex(deps, target))).toEqual(['platform/deploy', 'platform/pdf']);
  });

  it('hands a name to the next holder when the first leaves anonymous sight', async () => {
    const { deps, alice, clock } = await withSkills();
    clock.advance(1000);
    await patchItem(deps, { ref: ref('skill/alice/pdf'), visibility: 'team' }, alice);
    const target = await resolveSkillIndex(deps, {});
    expect(names(await listSkillIndex(deps, target))).toEqual(['platform/deploy', 'platform/pdf']);
  });

  it('lists everything with authorisation off (permissive), as anyone may read it all', async () => {
    const { deps } = await withSkills({ authz: 'permissive' });
    const target = await resolveSkillIndex(deps, {});
    expect(names(await listSkillIndex(deps, target))).toEqual([
      'platform/deploy',
      'alice/diary',
      'alice/pdf',
      'platform/runbook',
    ]);
  });
});

describe('resolveSkillIndex', () => {
  it('is NotFoundError with public read off, and for an unknown team', async () => {
    const off = await withSkills({ publicRead: false });
    await expect(resolveSkillIndex(off.deps, {})).rejects.toBeInstanceOf(NotFoundError);
    const on = await withSkills();
    await expect(resolveSkillIndex(on.deps, { team: 'nobody' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps its revision while nothing changes, and changes it with any change to any skill row', async () => {
    const { deps, alice, mia, clock } = await withSkills();
    const revision = async () => (await resolveSkillIndex(deps, {})).revision;
    const seen = [await revision()];
    expect(await revision()).toBe(seen[0]);
    const changes: (() => Promise<unknown>)[] = [
      // An old, not the newest, row changes: its updatedAt moves it to the top.
      () => patchItem(deps, { ref: ref('skill/alice/pdf'), tags: ['pdf'] }, alice),
      () => patchItem(deps, { ref: ref('skill/platform/deploy'), visibility: 'team' }, mia),
      async () => {
        const pdf = ref('skill/platform/pdf');
        const ifMatch = (await deps.db.items.findByRef(pdf))?.treeSha;
        await updateItem(deps, { ref: pdf, files: skillFiles('pdf', { description: 'New words.' }), ifMatch }, mia);
      },
      () => deleteItem(deps, { ref: ref('skill/alice/diary') }, alice),
      () => publishItem(deps, { namespace: 'alice', files: skillFiles('csv') }, alice),
    ];
    for (const change of changes) {
      clock.advance(1000);
      await change();
      const next = await revision();
      expect(seen).not.toContain(next);
      seen.push(next);
    }
  });
});

describe('indexedSkillPages', () => {
  it('applies the naming rule to a name whose skills straddle two pages of the listing', async () => {
    const { deps } = await catalogWorld({ publicRead: true });
    const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);
    // 999 names before `dup`, so that its two skills fall on either side of the first 1,000 rows; the one on the
    // second page was published first and holds the name.
    const filler = Array.from({ length: 999 }, (_, n) =>
      buildItem(`skill/alice/a-${String(n).padStart(4, '0')}`, { createdAt: at(10), visibility: 'org' }),
    );
    const dups = [
      buildItem('skill/alice/dup', { createdAt: at(5), visibility: 'org' }),
      buildItem('skill/platform/dup', { createdAt: at(1), visibility: 'org' }),
    ];
    await deps.db.items.insertMany([...filler, ...dups, buildItem('skill/alice/zed', { visibility: 'org' })]);
    const pages: string[][] = [];
    for await (const page of indexedSkillPages(deps, { teamId: null })) pages.push(names(page));
    const listed = pages.flat();
    expect(listed).toHaveLength(1001);
    expect(new Set(listed.map((n) => n.split('/')[1])).size).toBe(1001);
    expect(listed.filter((n) => n.endsWith('/dup'))).toEqual(['platform/dup']);
    expect(pages.length).toBeGreaterThan(1);
    expect(listed.at(-1)).toBe('alice/zed');
  });
});

describe('skillArtifactsOf', () => {
  const packer: SkillPacker = {
    format: 'test-1',
    pack: (files) => ({ type: files.length === 1 ? 'skill-md' : 'archive', bytes: files[0]!.content }),
  };

  it('packs each tree once and records it, and a later call reads the record instead of git', async () => {
    const { deps } = await withSkills();
    const listed = await listSkillIndex(deps, await resolveSkillIndex(deps, {}));
    let reads = 0;
    const content = new Proxy(deps.content, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property === 'readItem' && typeof value === 'function') {
          return (...args: unknown[]) => {
            reads += 1;
            return value.apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const first = await skillArtifactsOf({ ...deps, content }, packer, listed);
    expect(reads).toBe(2);
    const pdf = listed.find((skill) => skill.name === 'pdf')!;
    expect(first.get(pdf.treeSha)).toMatchObject({
      format: 'test-1',
      type: 'archive',
      paths: ['SKILL.md', 'scripts/run.sh'],
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const again = await skillArtifactsOf({ ...deps, content }, packer, listed);
    expect(reads).toBe(2);
    expect(again).toEqual(first);
    expect(await deps.db.skillArtifacts.findByTrees('test-1', [pdf.treeSha])).toEqual([first.get(pdf.treeSha)]);
    // Another format packs again.
    await skillArtifactsOf({ ...deps, content }, { ...packer, format: 'test-2' }, [pdf]);
    expect(reads).toBe(3);
  });
});

describe('readIndexedSkillFile', () => {
  it('reads a file of the listed commit, and answers NotFoundError for a missing file or an escaping path', async () => {
    const { deps } = await withSkills();
    const [, pdf] = await listSkillIndex(deps, await resolveSkillIndex(deps, {}));
    expect(new TextDecoder().decode(await readIndexedSkillFile(deps, pdf!, 'scripts/run.sh'))).toBe(
      '#!/bin/sh\necho pdf\n',
    );
    for (const path of ['missing.txt', '../deploy/SKILL.md', 'scripts']) {
      await expect(readIndexedSkillFile(deps, pdf!, path)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe('searchIndexedSkills', () => {
  it('finds what anonymous readers may see, with install counts and the slug of each team', async () => {
    const { deps, alice } = await withSkills();
    await publishItem(
      deps,
      {
        namespace: 'alice',
        files: [textFile('SKILL.md', '---\nname: diary-pdf\ndescription: Private PDF notes.\n---\n')],
        visibility: 'team',
      },
      alice,
    );
    const hits = await searchIndexedSkills(deps, { teamId: null }, { q: 'pdf', limit: 10 });
    expect(hits.map((hit) => `${hit.namespace}/${hit.name}:${hit.teamSlug}`).sort()).toEqual([
      'alice/pdf:null',
      'platform/pdf:platform',
    ]);
    const team = await resolveSkillIndex(deps, { team: 'platform' });
    const teamHits = await searchIndexedSkills(deps, team, { q: 'pdf', limit: 10 });
    expect(names(teamHits)).toEqual(['platform/pdf']);
    expect(
      names(await searchIndexedSkills(deps, { teamId: null }, { q: 'pdf', namespace: 'alice', limit: 10 })),
    ).toEqual(['alice/pdf']);
  });

  it('is NotFoundError with public read off', async () => {
    const { deps } = await withSkills({ publicRead: false });
    await expect(searchIndexedSkills(deps, { teamId: null }, { q: 'pdf', limit: 10 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
