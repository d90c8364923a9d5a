import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contentStoreContract,
  FIXTURE_FILES,
  FIXTURE_FOLDER,
  fixtureChanges,
  writeChange,
} from '../../domain/content/content-store.contract.ts';
import type { FileChange } from '../../domain/content/content-store.ts';
import { RateLimitedError, StaleRevisionError, UnavailableError } from '../../domain/errors.ts';
import { GitHubContentStore, type GitHubContentStoreOptions } from './github-content-store.ts';
import { type FakeGitHub, startFakeGitHub } from './testing/fake-github.ts';

/** One second of a wait GitHub asks for lasts this many milliseconds in these tests. */
const SECOND = 10;
const AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.com' };

function storeFor(fake: FakeGitHub, options: Partial<GitHubContentStoreOptions> = {}): GitHubContentStore {
  return new GitHubContentStore({
    owner: fake.owner,
    repo: fake.repo,
    branch: fake.branch,
    token: fake.token,
    apiUrl: fake.apiUrl,
    retryAfterBaseValue: SECOND,
    minWriteIntervalMs: 0,
    ...options,
  });
}

contentStoreContract('GitHub through a loopback fake', async () => {
  const fake = await startFakeGitHub();
  const store = storeFor(fake);
  const closeStore = store.close.bind(store);
  store.close = async () => {
    await closeStore();
    await fake.close();
  };
  return store;
});

describe('GitHubContentStore', () => {
  let fake: FakeGitHub;
  let store: GitHubContentStore;

  beforeEach(async () => {
    fake = await startFakeGitHub();
    store = storeFor(fake);
  });

  afterEach(async () => {
    await fake.close();
  });

  async function commit(changes: FileChange[], on = store) {
    return on.commit({ changes, message: 'Change', author: AUTHOR, expectedHead: await on.head() });
  }

  it('answers an unchanged head from a 304, and a moved one from a fresh answer', async () => {
    const head = await store.head();
    expect(await store.head()).toBe(head);
    expect(await store.head()).toBe(head);
    expect(fake.requestCount({ path: /\/git\/ref\//, status: 200 })).toBe(1);
    expect(fake.requestCount({ path: /\/git\/ref\//, status: 304 })).toBe(2);
    const pushed = await fake.pushCommit({ files: { 'skills/out/side/SKILL.md': 'outside' } });
    expect(await store.head()).toBe(pushed);
    expect(fake.requestCount({ path: /\/git\/ref\//, status: 200 })).toBe(2);
  });

  it('sees a commit pushed from outside, refuses a stale change to its item and rebases one to another', async () => {
    const before = await commit(fixtureChanges());
    const pushed = await fake.pushCommit({
      files: { [`${FIXTURE_FOLDER}/SKILL.md`]: 'edited on GitHub', 'mcp/ops/new/server.json': '{}' },
      message: 'Edit on GitHub',
    });
    expect(await store.head()).toBe(pushed);
    expect((await store.diffItems(before.commitSha, pushed)).map((diff) => [diff.folder, diff.status])).toEqual([
      ['mcp/ops/new', 'added'],
      [FIXTURE_FOLDER, 'changed'],
    ]);
    const late = (path: string) =>
      store.commit({
        changes: [writeChange(path, '{}')],
        message: 'Late',
        author: AUTHOR,
        expectedHead: before.commitSha,
      });
    await expect(late(`${FIXTURE_FOLDER}/extra.json`)).rejects.toBeInstanceOf(StaleRevisionError);
    expect(await fake.head()).toBe(pushed);
    const rebased = await late('tools/t/x/tool.json');
    expect(rebased.parent).toBe(pushed);
    expect(await fake.head()).toBe(rebased.commitSha);
    const history = await store.history(FIXTURE_FOLDER, { limit: 5 });
    expect(history.entries.map((entry) => [entry.message, entry.author.name])).toEqual([
      ['Edit on GitHub', 'Someone Else'],
      ['Change', 'Ada Lovelace'],
    ]);
  });

  it('answers a 422 "not a fast forward" on the ref update by building on the head again', async () => {
    const head = await store.head();
    fake.injectNonFastForward();
    const written = await commit([writeChange('skills/t/x/SKILL.md', 'x')]);
    expect(fake.requestCount({ method: 'PATCH', status: 422 })).toBe(1);
    expect(written.parent).toBe(head);
    expect(await fake.head()).toBe(written.commitSha);
  });

  it('waits out a primary rate limit that resets soon, then succeeds', async () => {
    fake.injectPrimaryRateLimit({ resetInSeconds: 1 });
    expect(await store.head()).toBe(await fake.head());
    const [limited, retried] = fake.requests;
    expect(limited?.status).toBe(403);
    expect(retried?.status).toBe(200);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(SECOND);
  });

  it('fails with RateLimitedError saying when to retry when the primary limit resets later than it may wait', async () => {
    fake.injectPrimaryRateLimit({ resetInSeconds: 3600, requests: 5 });
    const error = (await store.head().catch((e: unknown) => e)) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAt.getTime()).toBeGreaterThan(Date.now() + 3590_000);
    expect(error.retryAt.getTime()).toBeLessThan(Date.now() + 3610_000);
    expect(error.message).toContain(error.retryAt.toISOString());
    expect(fake.requestCount()).toBe(1);
  });

  it.each([403, 429] as const)('honours retry-after on a secondary rate limit answered with %i', async (status) => {
    fake.injectSecondaryRateLimit({ retryAfterSeconds: 10, status });
    expect(await store.head()).toBe(await fake.head());
    const [limited, retried] = fake.requests;
    expect(limited?.status).toBe(status);
    expect(retried?.status).toBe(200);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(10 * SECOND - 2);
  });

  it('fails with RateLimitedError when a secondary limit asks for a longer wait than it may wait', async () => {
    fake.injectSecondaryRateLimit({ retryAfterSeconds: 600 });
    const error = (await store.head().catch((e: unknown) => e)) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
    expect(fake.requestCount()).toBe(1);
  });

  it('retries 5xx answers with backoff, then succeeds', async () => {
    const head = await commit([writeChange('skills/t/x/SKILL.md', 'x')]);
    fake.injectServerError({ requests: 2, status: 502 });
    expect((await store.readItem('skills/t/x'))?.commitSha).toBe(head.commitSha);
    expect(fake.requestCount({ status: 502 })).toBe(2);
  });

  it('fails with UnavailableError when 5xx answers outlast the retries', async () => {
    fake.injectServerError({ requests: 10, status: 503 });
    await expect(store.head()).rejects.toBeInstanceOf(UnavailableError);
    expect(fake.requestCount({ status: 503 })).toBe(4);
  });

  it('fails with UnavailableError naming GITHUB_TOKEN when GitHub refuses the token', async () => {
    const refused = storeFor(fake, { token: 'ghp_wrong' });
    const error = (await refused.head().catch((e: unknown) => e)) as UnavailableError;
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain('GITHUB_TOKEN');
    expect(fake.requestCount({ status: 401 })).toBe(1);
  });

  it('fails with UnavailableError when the branch does not exist', async () => {
    await expect(storeFor(fake, { branch: 'absent' }).head()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('reads only the trees on the paths to what changed when it diffs', async () => {
    const first = await commit(
      ['one', 'two', 'three', 'four'].flatMap((ns) => [
        writeChange(`skills/${ns}/a/SKILL.md`, `${ns} a`),
        writeChange(`skills/${ns}/b/SKILL.md`, `${ns} b`),
      ]),
    );
    await commit([writeChange('tools/t/x/tool.json', '{}')]);
    const last = await commit([writeChange('skills/three/a/SKILL.md', 'changed')]);
    const fresh = storeFor(fake);
    const before = fake.requestCount({ method: 'GET', path: /\/git\/trees\// });
    expect(await fresh.diffItems(first.commitSha, last.commitSha)).toEqual([
      {
        folder: 'skills/three/a',
        status: 'changed',
        oldTreeSha: first.trees['skills/three/a'],
        newTreeSha: last.trees['skills/three/a'],
      },
      { folder: 'tools/t/x', status: 'added', newTreeSha: expect.any(String) },
    ]);
    // Both roots, both `skills`, both `skills/three`, the new `tools` and `tools/t`: no item folder,
    // no unchanged namespace.
    expect(fake.requestCount({ method: 'GET', path: /\/git\/trees\// }) - before).toBe(8);
  });

  it('uploads only the blobs GitHub does not have yet', async () => {
    await commit(fixtureChanges());
    expect(fake.requestCount({ method: 'POST', path: /\/git\/blobs$/ })).toBe(FIXTURE_FILES.length);
    await commit([
      { type: 'delete', path: FIXTURE_FOLDER },
      ...fixtureChanges().map((change) =>
        change.path.endsWith('SKILL.md') ? writeChange(change.path, 'a new manifest') : change,
      ),
    ]);
    expect(fake.requestCount({ method: 'POST', path: /\/git\/blobs$/ })).toBe(FIXTURE_FILES.length + 1);
  });

  it('leaves at least minWriteIntervalMs between writing requests', async () => {
    const spaced = storeFor(fake, { minWriteIntervalMs: 40 });
    await commit(
      [
        writeChange('skills/t/x/SKILL.md', 'x'),
        writeChange('skills/t/x/a.txt', 'a'),
        writeChange('skills/t/x/b.txt', 'b'),
      ],
      spaced,
    );
    const writes = fake.requests.filter((r) => r.method !== 'GET').map((r) => r.at);
    expect(writes).toHaveLength(7);
    // Arrival times carry the machine's jitter on top of the spacing at the sender, so one gap may
    // look short when its request was sent on time but the one before it arrived late; the span of
    // all seven cannot shrink that way.
    expect(writes[6]! - writes[0]!).toBeGreaterThanOrEqual(6 * 40 - 10);
  });
});
