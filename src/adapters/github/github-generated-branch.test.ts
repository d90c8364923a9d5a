import { afterAll, expect, it } from 'vitest';
import { generatedBranchContract, generatedTree } from '../../domain/content/generated-branch.contract.ts';
import { GitHubGeneratedBranch } from './github-generated-branch.ts';
import { type FakeGitHub, startFakeGitHub } from './testing/fake-github.ts';

const fakes: FakeGitHub[] = [];
afterAll(async () => {
  for (const fake of fakes) await fake.close();
});

async function openBranch() {
  const fake = await startFakeGitHub();
  fakes.push(fake);
  const branch = new GitHubGeneratedBranch({
    owner: fake.owner,
    repo: fake.repo,
    token: fake.token,
    apiUrl: fake.apiUrl,
    name: 'atlas-marketplace',
    retryAfterBaseValue: 1,
    minWriteIntervalMs: 0,
  });
  return { fake, branch };
}

generatedBranchContract('GitHub through a loopback fake', async () => (await openBranch()).branch);

it('uploads only the objects the branch does not hold yet, and never touches the content branch', async () => {
  const { fake, branch } = await openBranch();
  const contentHead = await fake.head();
  const files: Record<string, string> = { 'index.json': '1\n' };
  for (let i = 0; i < 5; i++) files[`plugins/p${i}.json`] = `{"p":${i}}\n`;
  const first = generatedTree(files);
  const one = await branch.commit({ ...first, message: 'first', expectedHead: undefined });
  const uploadsBefore = fake.requestCount({ method: 'POST', path: /git\/(blobs|trees)$/ });
  const second = generatedTree({ ...files, 'index.json': '2\n' });
  await branch.commit({ ...second, message: 'second', expectedHead: one });
  // The new index blob and the new root tree; `plugins/` is unchanged and stays.
  expect(fake.requestCount({ method: 'POST', path: /git\/(blobs|trees)$/ }) - uploadsBefore).toBe(2);
  expect(await fake.head()).toBe(contentHead);
});
