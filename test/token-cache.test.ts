import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { openPostgres } from '../src/adapters/postgres/connection.ts';
import { PostgresBroadcast } from '../src/adapters/postgres/postgres-broadcast.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import { describeWithServer } from '../src/adapters/postgres/testing/server-database.ts';
import { openTestServer, type TestDatabase } from '../src/adapters/postgres/testing/test-databases.ts';
import { authenticate } from '../src/application/accounts/authenticate.ts';
import { issueToken } from '../src/application/accounts/issue-token.ts';
import { revokeToken } from '../src/application/accounts/revoke-token.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { UnauthenticatedError } from '../src/domain/errors.ts';
import { buildUser, tick } from '../src/domain/testing/builders.ts';
import { CHEAP_ARGON2, createInMemoryDeps } from '../src/testing/in-memory-deps.ts';

const settings = { authz: 'rbac', publicRead: false, registration: 'open' } as const;

describe('the token cache', () => {
  it('answers from memory after the first lookup, and forgets a token revoked in this process at once', async () => {
    const deps = createInMemoryDeps();
    const user = buildUser({ username: 'cached' });
    await deps.db.users.insert(user);
    const { token, secret } = issueToken(user.id, 'personal', 'ci', tick(), null);
    await deps.db.tokens.insert(token);
    const actor = await authenticate(deps, secret, null);
    let lookups = 0;
    const findWithUser = deps.db.tokens.findWithUser.bind(deps.db.tokens);
    deps.db.tokens.findWithUser = async (hash) => {
      lookups++;
      return findWithUser(hash);
    };
    await authenticate(deps, secret, null);
    expect(lookups).toBe(0);
    await revokeToken(deps, token.id, actor);
    await expect(authenticate(deps, secret, null)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(lookups).toBe(1);
  });
});

describeWithServer('the token cache across processes', (server) => {
  let test: TestDatabase & { url: string };
  beforeAll(async () => {
    test = await openTestServer(server.url, server.template);
  });
  afterAll(() => test.close());

  it('drops a token revoked by another process within moments (LISTEN/NOTIFY)', async () => {
    const open = async () => {
      const connection = await openPostgres(test.url, { max: 2 });
      const broadcast = await PostgresBroadcast.open(test.url, connection.pool);
      const deps = assembleDeps(new PostgresDatabase(connection), new InMemoryContentStore(), settings, {
        argon2: CHEAP_ARGON2,
        broadcast,
      });
      const close = async () => {
        await broadcast.close();
        await connection.close();
      };
      return { deps, close };
    };
    const [a, b] = [await open(), await open()];
    try {
      const user = buildUser({ username: 'two-places' });
      await a.deps.db.users.insert(user);
      const { token, secret } = issueToken(user.id, 'personal', 'ci', tick(), null);
      await a.deps.db.tokens.insert(token);
      await authenticate(a.deps, secret, null);
      const actor = await authenticate(b.deps, secret, null);
      await revokeToken(b.deps, token.id, actor);
      const deadline = Date.now() + 2000;
      let refused = false;
      while (!refused && Date.now() < deadline) {
        refused = await authenticate(a.deps, secret, null).then(
          () => false,
          (error) => error instanceof UnauthenticatedError,
        );
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(refused).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
