import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import {
  catalogWorld,
  commitByHand,
  ref,
  serverFiles,
  skillFiles,
  skillMd,
  textFile,
} from '../testing/use-case-helpers.ts';
import { listSkillFiles } from './list-skill-files.ts';
import { listSkills } from './list-skills.ts';
import { publishItem } from './publish-item.ts';
import { readSkillFile } from './read-skill-file.ts';

const hex = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');
const LOGO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]);

async function withSkills(settings: Parameters<typeof catalogWorld>[0] = {}) {
  const world = await catalogWorld(settings);
  const { deps, alice, mia } = world;
  const files = [...skillFiles('pdf-tools'), { path: 'assets/logo.png', content: LOGO, executable: false }];
  const pdf = await publishItem(deps, { namespace: 'alice', files }, alice);
  await publishItem(deps, { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' }, mia);
  await publishItem(deps, { namespace: 'platform', files: serverFiles() }, mia);
  return { ...world, files, pdf };
}

describe('listSkillFiles', () => {
  it("lists every file of a skill at its row's commit with the size and SHA-256 of its bytes", async () => {
    const { deps, otto, files, pdf } = await withSkills();
    const listed = await listSkillFiles(deps, { ref: ref('skill/alice/pdf-tools') }, otto);
    expect(listed).toMatchObject({ commitSha: pdf.commitSha, treeSha: pdf.treeSha });
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(listed.files).toEqual(
      sorted.map((f) => ({ path: f.path, size: f.content.length, sha256: hex(f.content), executable: f.executable })),
    );
    expect(listed.totalBytes).toBe(files.reduce((sum, f) => sum + f.content.length, 0));
    expect(new TextDecoder().decode(listed.skillMd)).toBe(skillMd('pdf-tools'));
    // Read twice: the second answer comes from what the first learnt, and is the same.
    expect(await listSkillFiles(deps, { ref: ref('skill/alice/pdf-tools') }, otto)).toEqual(listed);
  });

  it('ignores a change git holds that sync has not recorded', async () => {
    const { deps, otto } = await withSkills();
    const before = await listSkillFiles(deps, { ref: ref('skill/alice/pdf-tools') }, otto);
    await commitByHand(deps.content, 'skills/alice/pdf-tools', [textFile('SKILL.md', skillMd('pdf-tools', 'by hand'))]);
    expect(await listSkillFiles(deps, { ref: ref('skill/alice/pdf-tools') }, otto)).toEqual(before);
  });

  it('answers a team-only skill to an outsider like a missing one, refuses other kinds, and asks anonymous callers to sign in', async () => {
    const { deps, otto, mark } = await withSkills();
    await expect(listSkillFiles(deps, { ref: ref('skill/platform/secret') }, otto)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await listSkillFiles(deps, { ref: ref('skill/platform/secret') }, mark)).files).toHaveLength(2);
    await expect(listSkillFiles(deps, { ref: ref('mcp/platform/weather-mcp') }, mark)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(listSkillFiles(deps, { ref: ref('skill/alice/pdf-tools') }, anonymous())).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });
});

describe('readSkillFile', () => {
  it('reads a listed file with its digest, and nothing outside the listing', async () => {
    const { deps, otto } = await withSkills();
    const logo = await readSkillFile(deps, { ref: ref('skill/alice/pdf-tools'), path: 'assets/logo.png' }, otto);
    expect(logo.bytes).toEqual(LOGO);
    expect(logo.file).toEqual({ path: 'assets/logo.png', size: LOGO.length, sha256: hex(LOGO), executable: false });
    for (const path of ['assets', 'missing.md', 'scripts/run.sh/x']) {
      await expect(readSkillFile(deps, { ref: ref('skill/alice/pdf-tools'), path }, otto), path).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
    for (const path of ['../secret/SKILL.md', '/etc/passwd', '']) {
      await expect(readSkillFile(deps, { ref: ref('skill/alice/pdf-tools'), path }, otto), path).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    await expect(
      readSkillFile(deps, { ref: ref('skill/platform/secret'), path: 'SKILL.md' }, otto),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('listSkills', () => {
  it('lists the skills the actor may read, by name, page by page', async () => {
    const { deps, otto, mark, alice } = await withSkills();
    await publishItem(deps, { namespace: 'alice', files: skillFiles('another') }, alice);
    const names = async (actor: typeof otto) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listSkills(deps, { limit: 1, cursor }, actor);
        seen.push(...page.items.map((s) => `${s.item.namespace}/${s.item.name}`));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await names(otto)).toEqual(['alice/another', 'alice/pdf-tools']);
    expect(await names(mark)).toEqual(['alice/another', 'alice/pdf-tools', 'platform/secret']);
  });

  it('shows anonymous callers the organisation-wide skills only with public read', async () => {
    const { deps } = await withSkills({ publicRead: true });
    const page = await listSkills(deps, { limit: 10 }, anonymous());
    expect(page.items.map((s) => s.item.name)).toEqual(['pdf-tools']);
  });
});
