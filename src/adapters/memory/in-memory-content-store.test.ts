import { describe, expect, it } from 'vitest';
import { contentStoreContract, writeChange } from '../../domain/content/content-store.contract.ts';
import { TooLargeError } from '../../domain/errors.ts';
import { InMemoryContentStore } from './in-memory-content-store.ts';

contentStoreContract('in-memory', async () => new InMemoryContentStore());

describe('InMemoryContentStore', () => {
  it('applies the limits it is given', async () => {
    const store = new InMemoryContentStore({
      limits: { maxFileBytes: 10, maxItemBytes: 15, maxFiles: 2, maxDepth: 1 },
    });
    const author = { name: 'A', email: 'a@example.com' };
    const attempt = (changes: ReturnType<typeof writeChange>[]) =>
      store.head().then((expectedHead) => store.commit({ changes, message: 'm', author, expectedHead }));
    await expect(attempt([writeChange('skills/t/x/a', '12345678901')])).rejects.toBeInstanceOf(TooLargeError);
    await expect(
      attempt([writeChange('skills/t/x/a', '12345678'), writeChange('skills/t/x/b', '12345678')]),
    ).rejects.toBeInstanceOf(TooLargeError);
    await expect(attempt(['a', 'b', 'c'].map((f) => writeChange(`skills/t/x/${f}`, '1')))).rejects.toBeInstanceOf(
      TooLargeError,
    );
    const ok = await attempt([writeChange('skills/t/x/a', '1234567890'), writeChange('skills/t/x/d/b', '1')]);
    expect(await store.head()).toBe(ok.commitSha);
  });

  it('dates commits by the clock it is given', async () => {
    const store = new InMemoryContentStore({ now: () => new Date('2024-05-06T07:08:09Z') });
    await store.commit({
      changes: [writeChange('skills/t/x/SKILL.md', 'x')],
      message: 'Dated',
      author: { name: 'A', email: 'a@example.com' },
      expectedHead: await store.head(),
    });
    const { entries } = await store.history('skills/t/x', { limit: 1 });
    expect(entries[0]?.date.toISOString()).toBe('2024-05-06T07:08:09.000Z');
  });
});
