import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generatedBranchContract, generatedTree } from '../../domain/content/generated-branch.contract.ts';
import { LocalGitContentStore } from './local-git-content-store.ts';
import { LocalGitGeneratedBranch } from './local-git-generated-branch.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function openBranch(): Promise<{ gitdir: string; branch: LocalGitGeneratedBranch }> {
  const gitdir = join(mkdtempSync(join(tmpdir(), 'atlas-generated-')), 'content.git');
  folders.push(gitdir);
  await LocalGitContentStore.open(gitdir);
  return { gitdir, branch: new LocalGitGeneratedBranch(gitdir, 'atlas-marketplace') };
}

generatedBranchContract('local git', async () => (await openBranch()).branch);

it('leaves a branch that git reads and checks, beside the content branch', async () => {
  const { gitdir, branch } = await openBranch();
  const first = generatedTree({ 'index.json': '{"a":1}\n', 'plugins/a.json': '{}\n' });
  const sha = await branch.commit({ ...first, message: 'Marketplaces', expectedHead: undefined });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: gitdir, encoding: 'utf8' }).trim();
  expect(git('rev-parse', 'atlas-marketplace')).toBe(sha);
  expect(git('show', 'atlas-marketplace:plugins/a.json')).toBe('{}');
  expect(git('rev-list', '--count', 'main')).toBe('1');
  git('fsck', '--strict');
});

it('refuses a branch name git could not hold', () => {
  expect(() => new LocalGitGeneratedBranch('/tmp/none', '../escape')).toThrow(/branch/);
});
