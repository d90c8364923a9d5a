import { type Actor, anonymous } from '../../domain/accounts/actor.ts';
import type { Team, TeamRole } from '../../domain/accounts/team.ts';
import type { User } from '../../domain/accounts/user.ts';
import type { AuditEntry } from '../../domain/audit/audit-entry.ts';
import { ITEM_STATUSES } from '../../domain/catalog/catalog-item.ts';
import { type ItemRef, parseItemRef } from '../../domain/catalog/item-ref.ts';
import type { ContentStore, ItemFile } from '../../domain/content/content-store.ts';
import type { Database, Repositories } from '../../domain/repositories.ts';
import { ManualClock } from '../../domain/testing/manual-clock.ts';
import { flakyDatabase } from '../../testing/flaky-database.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { registerUser } from '../accounts/register-user.ts';
import { replaceFolder } from '../catalog/commit-item-folder.ts';
import type { AtlasDeps } from '../deps.ts';
import { createTeam } from '../teams/create-team.ts';
import { putTeamMember } from '../teams/put-team-member.ts';

/** A password every test account shares; it passes the password rule for every username used here. */
export const PASSWORD = 'a long test passphrase';

/** The address every test actor calls from. */
export const IP = '203.0.113.7';

export { ManualClock };

/** An actor signed in as `user`, with no token (a request the route has already authenticated). */
export function actorOf(user: User, tokenId: string | null = null): Actor {
  return { user, tokenId, ip: IP };
}

/**
 * Registers an account through `registerUser` (the first one on an instance becomes site admin) and
 * returns it as an actor carrying its session token, with the token's secret.
 */
export async function signUp(
  deps: AtlasDeps,
  username: string,
): Promise<Actor & { user: User; tokenId: string; secret: string }> {
  const { user, token } = await registerUser(
    deps,
    { email: `${username}@example.com`, username, password: PASSWORD },
    anonymous(IP),
  );
  const [session] = await deps.db.tokens.listByUser(user.id);
  if (!session) throw new Error(`registerUser issued no session for ${username}`);
  return { user, tokenId: session.id, ip: IP, secret: token };
}

/** Creates a team through `createTeam` (its creator owns it) and adds members through `putTeamMember`. */
export async function setUpTeam(
  deps: AtlasDeps,
  slug: string,
  owner: Actor,
  members: Record<string, TeamRole> = {},
): Promise<Team> {
  const team = await createTeam(deps, { slug, name: `Team ${slug}` }, owner);
  for (const [username, role] of Object.entries(members)) {
    await putTeamMember(deps, { slug, username, role }, owner);
  }
  return team;
}

export const ref = (text: string): ItemRef => parseItemRef(text);

const encoder = new TextEncoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array | undefined): string | undefined =>
  data === undefined ? undefined : new TextDecoder().decode(data);

export function textFile(path: string, content: string, executable = false): ItemFile {
  return { path, content: bytes(content), executable };
}

/** A SKILL.md with `name` and `description`, then any extra frontmatter lines. */
export function skillMd(name: string, description = `The ${name} skill.`, extra = ''): string {
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n# ${name}\n\nSteps.\n`;
}

/** A skill's files: SKILL.md (with `metadata.version` when given) and a script. */
export function skillFiles(
  name: string,
  options: { description?: string; version?: string; script?: string } = {},
): ItemFile[] {
  const extra = options.version ? `metadata:\n  version: "${options.version}"\n` : '';
  return [
    textFile('SKILL.md', skillMd(name, options.description, extra)),
    textFile('scripts/run.sh', options.script ?? `#!/bin/sh\necho ${name}\n`, true),
  ];
}

/** A server.json that installs through npm, with overrides. */
export function serverJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'io.github.acme/weather-mcp',
    description: 'Forecasts for the agent.',
    version: '1.0.0',
    packages: [
      {
        registryType: 'npm',
        identifier: '@acme/weather-mcp',
        version: '1.0.0',
        transport: { type: 'stdio' },
        environmentVariables: [
          {
            name: 'WEATHER_KEY',
            description: 'API key',
            isRequired: true,
            isSecret: true,
            default: 'sk-secret-default',
          },
        ],
      },
    ],
    ...overrides,
  };
}

export const serverFiles = (server: Record<string, unknown> = serverJson()): ItemFile[] => [
  textFile('server.json', JSON.stringify(server, null, 2)),
];

export function toolJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'get-forecast',
    description: 'Get the forecast for a city.',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    ...overrides,
  };
}

export const toolFiles = (tool: Record<string, unknown> = toolJson()): ItemFile[] => [
  textFile('tool.json', JSON.stringify(tool, null, 2)),
];

/** Audit entries, oldest first, optionally only those of an action (or an action prefix ending in `.`). */
export async function auditTrail(deps: Pick<AtlasDeps, 'db'>, action?: string): Promise<AuditEntry[]> {
  const page = await deps.db.audit.list(action ? { action } : {}, { limit: 1000 });
  return [...page.items].reverse();
}

/**
 * Everything a refused write must leave as it was: the content branch head and its item folders, every
 * item row (all statuses) with its recorded versions, accounts, teams, memberships, tokens, the audit
 * log and the sync state.
 */
export async function atlasState(deps: Pick<AtlasDeps, 'db' | 'content'>) {
  const { db, content } = deps;
  const items = [];
  for (const status of ITEM_STATUSES) {
    const page = await db.items.search({ status, sort: 'name', limit: 100, viewer: { kind: 'admin' } });
    items.push(...page.items);
  }
  const rows = await Promise.all(
    items.map(async (item) => ({ ...item, versions: await db.items.listVersions(item.id) })),
  );
  rows.sort((a, b) => a.gitPath.localeCompare(b.gitPath));
  const users = (await db.users.list({ limit: 1000 })).items;
  const teams = (await db.teams.list({ limit: 1000 })).items;
  return {
    head: await content.head(),
    folders: await content.listItems(),
    items: rows,
    users,
    teams: await Promise.all(teams.map(async (team) => ({ team, members: await db.teams.listMembers(team.id) }))),
    tokens: (await Promise.all(users.map((u) => db.tokens.listByUser(u.id)))).flat(),
    audit: (await db.audit.list({}, { limit: 1000 })).items,
    sync: await db.sync.getState(),
    queued: await db.sync.countJobs('queued'),
  };
}

/**
 * An instance with the people the catalog rules talk about: `ada` the site admin, `alice` with her personal
 * namespace, team `platform` owned by `olga` with maintainer `mark` and members `mia` and `max`, and `otto`
 * who belongs to no team.
 */
export async function catalogWorld(settings: Parameters<typeof createInMemoryDeps>[0] = {}) {
  const clock = new ManualClock();
  const deps = createInMemoryDeps(settings, { clock });
  const admin = await signUp(deps, 'ada');
  const alice = await signUp(deps, 'alice');
  const olga = await signUp(deps, 'olga');
  const mark = await signUp(deps, 'mark');
  const mia = await signUp(deps, 'mia');
  const max = await signUp(deps, 'max');
  const otto = await signUp(deps, 'otto');
  const team = await setUpTeam(deps, 'platform', olga, { mark: 'maintainer', mia: 'member', max: 'member' });
  return { clock, deps, team, admin, alice, olga, mark, mia, max, otto };
}

/** Records the content branch's head as synced, as sync would after catching up. */
export async function markSynced(deps: Pick<AtlasDeps, 'db' | 'content' | 'clock'>): Promise<string> {
  const head = await deps.content.head();
  const { lastSyncedSha } = await deps.db.sync.getState();
  if (!(await deps.db.sync.advance(lastSyncedSha, head, deps.clock.now()))) throw new Error('could not mark synced');
  return head;
}

/** Commits an item folder straight to git, as a person pushing by hand would: the catalog does not know of it. */
export async function commitByHand(
  content: ContentStore,
  folder: string,
  files: readonly ItemFile[],
  message = `Push ${folder} by hand`,
): Promise<string> {
  const { commitSha } = await content.commit({
    changes: replaceFolder(folder, files),
    message,
    author: { name: 'Someone', email: 'someone@example.com' },
    expectedHead: await content.head(),
  });
  return commitSha;
}

/**
 * A database whose next transaction fails when armed, before any of its work: what a crash between the git
 * commit and the database write looks like to a use case. Everything else is the wrapped database.
 */
export function crashingDatabase(db: Database): { db: Database; crashNextTransaction(): void } {
  const flaky = flakyDatabase(db);
  return { db: flaky.db, crashNextTransaction: flaky.failNextTransaction };
}

/**
 * A content store that runs a hook once, right before its next commit (another writer moving the branch
 * in between) or right after it (sync recording the commit before the use case does).
 */
export function contentWithHooks(content: ContentStore): {
  content: ContentStore;
  beforeNextCommit(hook: () => Promise<void>): void;
  afterNextCommit(hook: (commitSha: string) => Promise<void>): void;
} {
  let before: (() => Promise<void>) | undefined;
  let after: ((commitSha: string) => Promise<void>) | undefined;
  const proxy = new Proxy(content, {
    get(target, property) {
      if (property === 'commit') {
        return async (input: Parameters<ContentStore['commit']>[0]) => {
          const first = before;
          before = undefined;
          if (first) await first();
          const result = await target.commit(input);
          const then = after;
          after = undefined;
          if (then) await then(result.commitSha);
          return result;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    content: proxy,
    beforeNextCommit: (hook) => {
      before = hook;
    },
    afterNextCommit: (hook) => {
      after = hook;
    },
  };
}

/** `target` with one method replaced; every other member is the target's own, bound to it. */
function overriding<T extends object>(target: T, name: keyof T, replacement: unknown): T {
  return new Proxy(target, {
    get(object, property) {
      if (property === name) return replacement;
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/**
 * A database whose audit log refuses every append made inside a transaction: the last write of most use cases,
 * so everything else the transaction wrote must be rolled back with it.
 */
export function databaseWithFailingAudit(db: Database): Database {
  const refuse = () => Promise.reject(new Error('the audit log is full'));
  const transaction = <T>(work: (repos: Repositories) => Promise<T>) =>
    db.transaction((tx) => work(overriding(tx, 'audit', overriding(tx.audit, 'append', refuse))));
  return overriding(db, 'transaction', transaction);
}
