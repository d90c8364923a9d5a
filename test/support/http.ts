import type { AtlasDeps } from '../../src/application/deps.ts';
import type { AtlasApp } from '../../src/entrypoints/http/app.ts';

/** JSON requests against an in-process app, with an optional bearer token. */
export function client(app: AtlasApp) {
  const call = async (method: string, url: string, options: { token?: string; body?: unknown } = {}) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
    let json: unknown;
    try {
      json = response.json();
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely.
    return { status: response.statusCode, headers: response.headers, body: json as any, raw: response.body };
  };
  return {
    get: (url: string, token?: string) => call('GET', url, { token }),
    post: (url: string, body?: unknown, token?: string) => call('POST', url, { body, token }),
    put: (url: string, body?: unknown, token?: string) => call('PUT', url, { body, token }),
    patch: (url: string, body?: unknown, token?: string) => call('PATCH', url, { body, token }),
    delete: (url: string, token?: string) => call('DELETE', url, { token }),
    call,
  };
}

/** Registers an account and returns its session token. */
export async function register(app: AtlasApp, username: string, password = 'a long test passphrase') {
  const res = await client(app).post('/api/v1/auth/register', { email: `${username}@example.com`, username, password });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.raw}`);
  return res.body.token as string;
}

/** Everything a bad request must not have changed: counts of accounts, teams, tokens and audit entries. */
export async function snapshot(deps: AtlasDeps) {
  const users = (await deps.db.users.list({ limit: 1000 })).items;
  const tokens = (await Promise.all(users.map((u) => deps.db.tokens.listByUser(u.id)))).flat();
  return {
    users: users.map((u) => u.username),
    teams: (await deps.db.teams.list({ limit: 1000 })).items.map((t) => t.slug),
    tokens: tokens.length,
    audit: (await deps.db.audit.list({}, { limit: 1000 })).items.length,
  };
}
