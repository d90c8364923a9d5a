import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { InMemoryDatabase } from '../src/adapters/memory/in-memory-database.ts';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import type { ContentStore } from '../src/domain/content/content-store.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { skillMd } from './support/catalog-helpers.ts';
import { client, register } from './support/http.ts';

/** A content store whose commits wait until the test lets them through, counting those that started. */
function heldContent(inner: ContentStore) {
  const started: string[] = [];
  const releases: (() => void)[] = [];
  const content = new Proxy(inner, {
    get(target, property) {
      if (property === 'commit') {
        return async (input: Parameters<ContentStore['commit']>[0]) => {
          started.push(input.message.split('\n')[0] ?? '');
          await new Promise<void>((release) => releases.push(release));
          return target.commit(input);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { content, started, releaseNext: () => releases.shift()?.() };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('publishes a few at a time', () => {
  let app: AtlasApp;
  let deps: AtlasDeps;
  let token: string;
  const held = heldContent(new InMemoryContentStore());

  beforeAll(async () => {
    deps = assembleDeps(
      new InMemoryDatabase(),
      held.content,
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    app = await buildApp(deps, { publishConcurrency: 2 });
    await app.ready();
    token = await register(app, 'alice');
  });
  afterAll(() => app.close());

  it('starts a third publish only when one of the first two is done, and answers reads meanwhile', async () => {
    const api = client(app);
    const publish = (name: string) =>
      api.post('/api/v1/items', { namespace: 'alice', files: [{ path: 'SKILL.md', content: skillMd(name) }] }, token);
    const answers = ['first', 'second', 'third'].map(publish);
    await until(() => held.started.length === 2);
    // The third waits for a place: its commit has not started, however long it is given.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held.started).toEqual(['Publish skill/alice/first', 'Publish skill/alice/second']);
    // Reads do not wait for publishes.
    expect((await api.get('/api/v1/items?q=first', token)).status).toBe(200);
    held.releaseNext();
    await until(() => held.started.length === 3);
    expect(held.started[2]).toBe('Publish skill/alice/third');
    held.releaseNext();
    held.releaseNext();
    expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual([201, 201, 201]);
  });
});
