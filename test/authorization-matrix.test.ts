/**
 * The authorisation matrix: for every API route and every kind of actor, the expected status,
 * under both authorisers and on every database. The table is the specification; a route that the
 * app serves but the table does not list fails the test.
 */

import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/adapters/auth/argon2-password-hasher.ts';
import { issueToken } from '../src/application/accounts/issue-token.ts';
import { publishItem } from '../src/application/catalog/publish-item.ts';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { buildTeam, buildUser, tick } from '../src/domain/testing/builders.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { SwappableContentStore } from './support/swappable-content-store.ts';

const ACTORS = ['anonymous', 'user', 'member', 'maintainer', 'owner', 'otherOwner', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];
type Authz = 'rbac' | 'permissive';
type Statuses = Record<ActorName, number>;

interface Seeded {
  tokens: Record<Exclude<ActorName, 'anonymous'>, string>;
  targetTokenId: string;
  /** `skill/alpha/team-skill`, visible to the org, published by the team's member. */
  teamSkill: { treeSha: string; commitSha: string };
  /** `skill/alpha/secret`, visible to team alpha only. */
  secretCommit: string;
}

interface RouteCase {
  /** `METHOD /path` as the OpenAPI document names the route. */
  route: string;
  request(seed: Seeded, actor: ActorName): { url: string; payload?: unknown; headers?: Record<string, string> };
  expect: Record<Authz, Statuses>;
}

/** Everyone gets `signedIn`, anonymous gets `anon`, with exceptions. */
const all = (signedIn: number, anon: number, except: Partial<Statuses> = {}): Statuses => ({
  anonymous: anon,
  user: signedIn,
  member: signedIn,
  maintainer: signedIn,
  owner: signedIn,
  otherOwner: signedIn,
  admin: signedIn,
  ...except,
});

const same = (statuses: Statuses) => ({ rbac: statuses, permissive: statuses });
/** Reading a team-only item: members and admins; everyone else is told it does not exist. */
const readSecret = {
  rbac: all(200, 401, { user: 404, otherOwner: 404 }),
  permissive: all(200, 200),
};
const skillMd = (name: string, description = 'A skill for the matrix') =>
  `---\nname: ${name}\ndescription: ${description}\n---\n# ${name}\n`;
const PASSWORD = 'matrix password 123';
const WEBHOOK_SECRET = 'matrix webhook secret';
const PING = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });

const TABLE: RouteCase[] = [
  {
    route: 'POST /api/v1/auth/register',
    request: (_s, actor) => ({
      url: '/api/v1/auth/register',
      payload: { email: `new-${actor}@example.com`, username: `new-${actor.toLowerCase()}`, password: PASSWORD },
    }),
    expect: same(all(201, 201)),
  },
  {
    route: 'POST /api/v1/auth/login',
    request: () => ({ url: '/api/v1/auth/login', payload: { login: 'plain-user', password: PASSWORD } }),
    expect: same(all(200, 200)),
  },
  { route: 'POST /api/v1/auth/logout', request: () => ({ url: '/api/v1/auth/logout' }), expect: same(all(204, 401)) },
  {
    route: 'POST /api/v1/auth/logout-everywhere',
    request: () => ({ url: '/api/v1/auth/logout-everywhere' }),
    expect: same(all(204, 401)),
  },
  { route: 'GET /api/v1/me', request: () => ({ url: '/api/v1/me' }), expect: same(all(200, 401)) },
  // Browser sessions: reading one answers everyone (`me: null` when signed out); signing in and registering need
  // Atlas's own Origin, whoever asks; signing out ends whatever session the request carries.
  { route: 'GET /api/v1/session', request: () => ({ url: '/api/v1/session' }), expect: same(all(200, 200)) },
  {
    route: 'POST /api/v1/session',
    request: () => ({
      url: '/api/v1/session',
      payload: { login: 'plain-user', password: PASSWORD },
      headers: { origin: 'http://localhost:80' },
    }),
    expect: same(all(200, 200)),
  },
  {
    route: 'POST /api/v1/session/register',
    request: (_s, actor) => ({
      url: '/api/v1/session/register',
      payload: { email: `web-${actor}@example.com`, username: `web-${actor.toLowerCase()}`, password: PASSWORD },
      headers: { origin: 'http://localhost:80' },
    }),
    expect: same(all(201, 201)),
  },
  { route: 'DELETE /api/v1/session', request: () => ({ url: '/api/v1/session' }), expect: same(all(204, 204)) },
  {
    route: 'POST /api/v1/users',
    request: (_s, actor) => ({
      url: '/api/v1/users',
      payload: { email: `made-${actor}@example.com`, username: `made-${actor.toLowerCase()}`, password: PASSWORD },
    }),
    expect: { rbac: all(403, 401, { admin: 201 }), permissive: all(201, 401) },
  },
  {
    route: 'POST /api/v1/tokens',
    request: () => ({ url: '/api/v1/tokens', payload: { name: 'ci' } }),
    expect: same(all(201, 401)),
  },
  { route: 'GET /api/v1/tokens', request: () => ({ url: '/api/v1/tokens' }), expect: same(all(200, 401)) },
  {
    route: 'DELETE /api/v1/tokens/{id}',
    request: (seed) => ({ url: `/api/v1/tokens/${seed.targetTokenId}` }),
    expect: { rbac: all(404, 401, { admin: 204 }), permissive: all(204, 401) },
  },
  {
    route: 'POST /api/v1/teams',
    request: (_s, actor) => ({ url: '/api/v1/teams', payload: { slug: `t-${actor.toLowerCase()}`, name: 'New team' } }),
    expect: same(all(201, 401)),
  },
  { route: 'GET /api/v1/teams', request: () => ({ url: '/api/v1/teams' }), expect: same(all(200, 401)) },
  { route: 'GET /api/v1/teams/{slug}', request: () => ({ url: '/api/v1/teams/alpha' }), expect: same(all(200, 401)) },
  {
    route: 'PUT /api/v1/teams/{slug}/members/{username}',
    request: () => ({ url: '/api/v1/teams/alpha/members/target', payload: { role: 'maintainer' } }),
    expect: { rbac: all(403, 401, { owner: 200, admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'DELETE /api/v1/teams/{slug}/members/{username}',
    request: () => ({ url: '/api/v1/teams/alpha/members/target' }),
    expect: { rbac: all(403, 401, { owner: 204, admin: 204 }), permissive: all(204, 401) },
  },
  {
    route: 'POST /api/v1/items',
    request: () => ({
      url: '/api/v1/items',
      payload: { namespace: 'alpha', files: [{ path: 'SKILL.md', content: skillMd('new-skill') }] },
    }),
    expect: { rbac: all(201, 401, { user: 403, otherOwner: 403 }), permissive: all(201, 401) },
  },
  {
    route: 'GET /api/v1/items',
    request: () => ({ url: '/api/v1/items?q=matrix' }),
    expect: { rbac: all(200, 401), permissive: all(200, 200) },
  },
  {
    route: 'GET /api/v1/items/{kind}/{namespace}/{name}',
    request: () => ({ url: '/api/v1/items/skill/alpha/secret' }),
    expect: readSecret,
  },
  {
    route: 'PUT /api/v1/items/{kind}/{namespace}/{name}',
    request: (seed) => ({
      url: '/api/v1/items/skill/alpha/team-skill',
      headers: { 'if-match': `"${seed.teamSkill.treeSha}"` },
      payload: { files: [{ path: 'SKILL.md', content: skillMd('team-skill', 'Changed by the matrix') }] },
    }),
    expect: { rbac: all(200, 401, { user: 403, otherOwner: 403 }), permissive: all(200, 401) },
  },
  {
    route: 'PATCH /api/v1/items/{kind}/{namespace}/{name}',
    request: () => ({ url: '/api/v1/items/skill/alpha/team-skill', payload: { tags: ['patched'] } }),
    expect: { rbac: all(200, 401, { user: 403, otherOwner: 403 }), permissive: all(200, 401) },
  },
  // Moving items between teams (DESIGN.md section 8a): alpha-member owns team gamma, where alpha-maintainer
  // is a maintainer too; an item of a team's namespace never leaves that team, not even for an admin.
  {
    route: 'PATCH /api/v1/items/{kind}/{namespace}/{name}',
    request: () => ({ url: '/api/v1/items/skill/alpha/team-skill', payload: { team: 'gamma' } }),
    expect: { rbac: all(400, 401, { user: 403, otherOwner: 403 }), permissive: all(400, 401) },
  },
  {
    // A personal item goes to a team only by its owner, and only into a team they maintain.
    route: 'PATCH /api/v1/items/{kind}/{namespace}/{name}',
    request: () => ({ url: '/api/v1/items/skill/alpha-member/notes', payload: { team: 'alpha' } }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'PATCH /api/v1/items/{kind}/{namespace}/{name}',
    request: () => ({ url: '/api/v1/items/skill/alpha-maintainer/tools', payload: { team: 'alpha' } }),
    expect: { rbac: all(403, 401, { maintainer: 200, admin: 200 }), permissive: all(200, 401) },
  },
  {
    // alpha-member's personal item already in team alpha: moving it to gamma needs owner or maintainer on both.
    route: 'PATCH /api/v1/items/{kind}/{namespace}/{name}',
    request: () => ({ url: '/api/v1/items/skill/alpha-member/shared', payload: { team: 'gamma' } }),
    expect: { rbac: all(403, 401, { maintainer: 200, admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'DELETE /api/v1/items/{kind}/{namespace}/{name}',
    request: () => ({ url: '/api/v1/items/skill/alpha/team-skill' }),
    expect: { rbac: all(204, 401, { user: 403, member: 403, otherOwner: 403 }), permissive: all(204, 401) },
  },
  {
    route: 'GET /api/v1/items/{kind}/{namespace}/{name}/files/{*}',
    request: () => ({ url: '/api/v1/items/skill/alpha/secret/files/SKILL.md' }),
    expect: readSecret,
  },
  {
    route: 'GET /api/v1/items/{kind}/{namespace}/{name}/archive',
    request: () => ({ url: '/api/v1/items/skill/alpha/secret/archive' }),
    expect: readSecret,
  },
  {
    route: 'GET /api/v1/items/{kind}/{namespace}/{name}/versions',
    request: () => ({ url: '/api/v1/items/skill/alpha/secret/versions' }),
    expect: readSecret,
  },
  {
    route: 'GET /api/v1/items/{kind}/{namespace}/{name}/versions/{commit}',
    request: (seed) => ({ url: `/api/v1/items/skill/alpha/secret/versions/${seed.secretCommit}` }),
    expect: readSecret,
  },
  {
    route: 'GET /api/v1/items/{kind}/{namespace}/{name}/install-config',
    request: () => ({ url: '/api/v1/items/skill/alpha/secret/install-config?client=claude-code' }),
    expect: readSecret,
  },
  {
    route: 'POST /api/v1/items/{kind}/{namespace}/{name}/installs',
    request: () => ({ url: '/api/v1/items/skill/alpha/team-skill/installs', payload: { client: 'claude-code' } }),
    expect: { rbac: all(200, 401), permissive: all(200, 200) },
  },
  {
    route: 'POST /api/v1/webhooks/github',
    request: () => ({
      url: '/api/v1/webhooks/github',
      payload: PING,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': `matrix-${Math.random().toString(36).slice(2)}`,
        'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(PING).digest('hex')}`,
      },
    }),
    // Signed by GitHub, not by a user: a bearer token neither helps nor hurts.
    expect: same(all(200, 200)),
  },
  {
    route: 'GET /api/v1/sync/status',
    request: () => ({ url: '/api/v1/sync/status' }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'POST /api/v1/sync/run',
    request: () => ({ url: '/api/v1/sync/run' }),
    expect: { rbac: all(403, 401, { admin: 202 }), permissive: all(202, 401) },
  },
  {
    route: 'POST /api/v1/sync/verify',
    request: () => ({ url: '/api/v1/sync/verify', payload: {} }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'GET /api/v1/audit',
    request: () => ({ url: '/api/v1/audit' }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'GET /api/v1/exports/claude-code/managed-settings.json',
    request: () => ({ url: '/api/v1/exports/claude-code/managed-settings.json' }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'GET /api/v1/exports/claude-code/managed-mcp.json',
    request: () => ({ url: '/api/v1/exports/claude-code/managed-mcp.json' }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'GET /api/v1/exports/copilot/managed-settings.json',
    request: () => ({ url: '/api/v1/exports/copilot/managed-settings.json' }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
  {
    route: 'GET /api/v1/exports/kiro/registry.json',
    request: () => ({ url: '/api/v1/exports/kiro/registry.json' }),
    expect: { rbac: all(403, 401, { admin: 200 }), permissive: all(200, 401) },
  },
];

async function seed(deps: AtlasDeps, passwordHash: string): Promise<Seeded> {
  const { db } = deps;
  const now = tick();
  const users = {
    admin: buildUser({ username: 'site-admin', isAdmin: true }),
    user: buildUser({ username: 'plain-user', passwordHash }),
    member: buildUser({ username: 'alpha-member' }),
    maintainer: buildUser({ username: 'alpha-maintainer' }),
    owner: buildUser({ username: 'alpha-owner' }),
    otherOwner: buildUser({ username: 'beta-owner' }),
    target: buildUser({ username: 'target' }),
  };
  for (const user of Object.values(users)) await db.users.insert(user);
  const alpha = buildTeam({ slug: 'alpha' });
  const beta = buildTeam({ slug: 'beta' });
  await db.teams.insert(alpha);
  await db.teams.insert(beta);
  const member = (teamId: string, userId: string, role: 'owner' | 'maintainer' | 'member') =>
    db.teams.putMember({ teamId, userId, role, createdAt: now });
  await member(alpha.id, users.owner.id, 'owner');
  await member(alpha.id, users.maintainer.id, 'maintainer');
  await member(alpha.id, users.member.id, 'member');
  await member(alpha.id, users.target.id, 'member');
  await member(beta.id, users.otherOwner.id, 'owner');
  const gamma = buildTeam({ slug: 'gamma' });
  await db.teams.insert(gamma);
  await member(gamma.id, users.member.id, 'owner');
  await member(gamma.id, users.maintainer.id, 'maintainer');
  const tokens = {} as Seeded['tokens'];
  for (const name of ['admin', 'user', 'member', 'maintainer', 'owner', 'otherOwner'] as const) {
    const { token, secret } = issueToken(users[name].id, 'personal', 'matrix', now, null);
    await db.tokens.insert(token);
    tokens[name] = secret;
  }
  const target = issueToken(users.target.id, 'personal', 'target', now, null);
  await db.tokens.insert(target.token);
  const as = (user: (typeof users)[keyof typeof users]) => ({ user, tokenId: null, ip: null });
  const file = (name: string) => [
    { path: 'SKILL.md', content: new TextEncoder().encode(skillMd(name)), executable: false },
  ];
  const teamSkill = await publishItem(deps, { namespace: 'alpha', files: file('team-skill') }, as(users.member));
  const secret = await publishItem(
    deps,
    { namespace: 'alpha', files: file('secret'), visibility: 'team' },
    as(users.owner),
  );
  await publishItem(deps, { namespace: 'alpha-member', files: file('notes') }, as(users.member));
  await publishItem(deps, { namespace: 'alpha-maintainer', files: file('tools') }, as(users.maintainer));
  const shared = await publishItem(deps, { namespace: 'alpha-member', files: file('shared') }, as(users.member));
  await db.items.update({ ...shared.item, teamId: alpha.id });
  return {
    tokens,
    targetTokenId: target.token.id,
    teamSkill: { treeSha: teamSkill.treeSha, commitSha: teamSkill.commitSha },
    secretCommit: secret.commitSha,
  };
}

describeEachDatabase('authorisation matrix', (open) => {
  let passwordHash: string;
  beforeAll(async () => {
    passwordHash = await new Argon2PasswordHasher(CHEAP_ARGON2).hash(PASSWORD);
  });

  for (const authz of ['rbac', 'permissive'] as const) {
    describe(`${authz} authoriser`, () => {
      let app: AtlasApp;
      let deps: AtlasDeps;
      const content = new SwappableContentStore();
      beforeAll(async () => {
        const db = await open();
        deps = assembleDeps(
          db,
          content,
          { authz, publicRead: false, registration: 'open', webhookSecret: WEBHOOK_SECRET },
          { argon2: CHEAP_ARGON2 },
        );
        app = await buildApp(deps, { rateLimits: { perAddress: 10_000, perAccount: 10_000 } });
        await app.ready();
        return () => app.close();
      });

      it('has an entry for every API route the app serves', () => {
        const served = Object.entries(app.swagger().paths ?? {}).flatMap(([path, item]) =>
          Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
        );
        const api = served.filter((route) => route.split(' ')[1]?.startsWith('/api/v1/'));
        expect(api.length).toBeGreaterThan(0);
        expect(api.filter((route) => !TABLE.some((c) => c.route === route))).toEqual([]);
        expect(TABLE.filter((c) => !api.includes(c.route)).map((c) => c.route)).toEqual([]);
      });

      for (const routeCase of TABLE) {
        it(`${routeCase.route}: ${ACTORS.map((a) => `${a} ${routeCase.expect[authz][a]}`).join(', ')}`, async () => {
          const got: Partial<Statuses> = {};
          // A write starts every actor from a fresh seed; a read changes nothing, so its actors share one.
          const method = routeCase.route.split(' ')[0];
          let seeded: Seeded | undefined;
          for (const actor of ACTORS) {
            if (!seeded || method !== 'GET') {
              await open();
              content.reset();
              seeded = await seed(deps, passwordHash);
            }
            const { url, payload, headers } = routeCase.request(seeded, actor);
            const response = await app.inject({
              method: method as 'GET',
              url,
              ...(payload === undefined ? {} : { payload: payload as object }),
              headers: {
                ...headers,
                ...(actor === 'anonymous' ? {} : { authorization: `Bearer ${seeded.tokens[actor]}` }),
              },
            });
            got[actor] = response.statusCode;
          }
          expect(got).toEqual(routeCase.expect[authz]);
        });
      }
    });
  }
});
