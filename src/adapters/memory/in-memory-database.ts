import type { ApiToken } from '../../domain/accounts/api-token.ts';
import type { Namespace } from '../../domain/accounts/namespace.ts';
import type { NamespaceRepository } from '../../domain/accounts/namespace-repository.ts';
import type { Team, TeamMember, TeamMembership, TeamRole, UserTeam } from '../../domain/accounts/team.ts';
import type { TeamRepository } from '../../domain/accounts/team-repository.ts';
import type { TokenRepository } from '../../domain/accounts/token-repository.ts';
import type { User } from '../../domain/accounts/user.ts';
import type { UserRepository } from '../../domain/accounts/user-repository.ts';
import type { AuditEntry } from '../../domain/audit/audit-entry.ts';
import type { AuditFilter, AuditLog } from '../../domain/audit/audit-log.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemRepository, ItemSearch } from '../../domain/catalog/item-repository.ts';
import type { InstallEvent, ItemVersion } from '../../domain/catalog/item-version.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Locks } from '../../domain/locks.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import type { Database, Repositories } from '../../domain/repositories.ts';
import type { SyncJob, SyncState, WebhookDelivery } from '../../domain/sync/sync-job.ts';
import type { SyncRepository } from '../../domain/sync/sync-repository.ts';
import { InProcessLocks } from './in-process-locks.ts';
import { similarity, terms } from './text-search.ts';

/** Everything the in-memory database holds; a transaction snapshots it and restores it on failure. */
class State {
  users = new Map<string, User>();
  teams = new Map<string, Team>();
  /** Keyed `${teamId}/${userId}`. */
  memberships = new Map<string, TeamMembership>();
  /** Keyed by lowercase name. */
  namespaces = new Map<string, Namespace>();
  items = new Map<string, CatalogItem>();
  tokens = new Map<string, ApiToken>();
  audit: AuditEntry[] = [];
  versions: ItemVersion[] = [];
  installs: InstallEvent[] = [];
  deliveries = new Map<string, WebhookDelivery>();
  jobs = new Map<string, SyncJob>();
  syncState: SyncState = { lastSyncedSha: null, lastSyncedAt: null, lastVerifiedAt: null, lastVerifyReport: null };
}

const copy = <T>(value: T): T => structuredClone(value);
const lower = (s: string) => s.toLowerCase();

/** Rounds like the PostgreSQL adapter's `round(x::numeric, 6)`, so ranks compare exactly in cursors. */
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function pageOf<T>(sorted: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const items = sorted.slice(0, limit);
  const last = items.at(-1);
  return sorted.length > limit && last !== undefined ? { items, nextCursor: cursorOf(last) } : { items };
}

/** A complete database in memory: the same contract as PostgreSQL, for tests and a laptop without one. */
export class InMemoryDatabase implements Database {
  #state = new State();
  #queue: Promise<unknown> = Promise.resolve();
  readonly users: UserRepository;
  readonly teams: TeamRepository;
  readonly namespaces: NamespaceRepository;
  readonly items: ItemRepository;
  readonly tokens: TokenRepository;
  readonly audit: AuditLog;
  readonly sync: SyncRepository;
  readonly locks: Locks = new InProcessLocks();

  constructor() {
    const state = () => this.#state;
    this.users = new InMemoryUserRepository(state);
    this.teams = new InMemoryTeamRepository(state);
    this.namespaces = {
      findByName: async (name) => {
        const found = state().namespaces.get(lower(name));
        return found && copy(found);
      },
    };
    this.items = new InMemoryItemRepository(state);
    this.tokens = new InMemoryTokenRepository(state);
    this.audit = new InMemoryAuditLog(state);
    this.sync = new InMemorySyncRepository(state);
  }

  /** Transactions run one at a time; a failure restores the state as it was before the transaction. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const run = async () => {
      const before = copy(this.#state);
      try {
        return await work(this);
      } catch (error) {
        this.#state = before;
        throw error;
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Empties every table, as a fresh database would be. */
  clear(): void {
    this.#state = new State();
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

type StateRef = () => State;

class InMemoryUserRepository implements UserRepository {
  constructor(private readonly state: StateRef) {}

  async insert(user: User, options: { adminIfFirst?: boolean } = {}): Promise<User> {
    const s = this.state();
    if (s.users.has(user.id)) throw new ConflictError(`user ${user.id} already exists`);
    if ([...s.users.values()].some((u) => lower(u.email) === lower(user.email))) {
      throw new ConflictError('email is already registered');
    }
    if (s.namespaces.has(lower(user.username))) throw new ConflictError(`the name "${user.username}" is taken`);
    const stored = { ...user, isAdmin: user.isAdmin || (options.adminIfFirst === true && s.users.size === 0) };
    s.users.set(user.id, copy(stored));
    s.namespaces.set(lower(user.username), { name: lower(user.username), kind: 'user', userId: user.id });
    return copy(stored);
  }

  async update(user: User): Promise<void> {
    const s = this.state();
    const existing = s.users.get(user.id);
    if (!existing) throw new NotFoundError(`user ${user.id} not found`);
    if ([...s.users.values()].some((u) => u.id !== user.id && lower(u.email) === lower(user.email))) {
      throw new ConflictError('email is already registered');
    }
    if (lower(existing.username) !== lower(user.username)) {
      throw new ConflictError('a username cannot be changed');
    }
    s.users.set(user.id, copy(user));
  }

  async findById(id: string) {
    const u = this.state().users.get(id);
    return u && copy(u);
  }

  async findByEmail(email: string) {
    const u = [...this.state().users.values()].find((x) => lower(x.email) === lower(email));
    return u && copy(u);
  }

  async findByUsername(username: string) {
    const u = [...this.state().users.values()].find((x) => lower(x.username) === lower(username));
    return u && copy(u);
  }

  async list({ limit, cursor }: PageRequest): Promise<Page<User>> {
    const after = cursor === undefined ? undefined : String(decodeCursor('users', cursor, 1)[0]);
    const sorted = [...this.state().users.values()]
      .filter((u) => after === undefined || u.username > after)
      .sort((a, b) => (a.username < b.username ? -1 : 1));
    return pageOf(sorted.map(copy), limit, (last) => encodeCursor('users', [last.username]));
  }

  async count() {
    return this.state().users.size;
  }

  async delete(id: string): Promise<void> {
    const s = this.state();
    const user = s.users.get(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    const own = [...s.items.values()].some(
      (i) => i.namespace === lower(user.username) && i.status !== 'deleted' && i.status !== 'invalid',
    );
    if (own) throw new ConflictError(`items still live in the namespace "${user.username}"`);
    s.users.delete(id);
    s.namespaces.delete(lower(user.username));
    for (const [key, m] of s.memberships) if (m.userId === id) s.memberships.delete(key);
    for (const [key, t] of s.tokens) if (t.userId === id) s.tokens.delete(key);
    for (const [key, item] of s.items) {
      if (item.ownerUserId === id) s.items.set(key, { ...item, ownerUserId: null });
    }
    s.versions = s.versions.map((v) => (v.publishedBy === id ? { ...v, publishedBy: null } : v));
    s.installs = s.installs.map((e) => (e.userId === id ? { ...e, userId: null } : e));
  }
}

class InMemoryTeamRepository implements TeamRepository {
  constructor(private readonly state: StateRef) {}

  async insert(team: Team): Promise<void> {
    const s = this.state();
    if (s.teams.has(team.id)) throw new ConflictError(`team ${team.id} already exists`);
    if (s.namespaces.has(lower(team.slug))) throw new ConflictError(`the name "${team.slug}" is taken`);
    s.teams.set(team.id, copy(team));
    s.namespaces.set(lower(team.slug), { name: lower(team.slug), kind: 'team', teamId: team.id });
  }

  async update(team: Team): Promise<void> {
    const s = this.state();
    const existing = s.teams.get(team.id);
    if (!existing) throw new NotFoundError(`team ${team.id} not found`);
    if (lower(existing.slug) !== lower(team.slug)) throw new ConflictError('a team slug cannot be changed');
    s.teams.set(team.id, copy(team));
  }

  async findById(id: string) {
    const t = this.state().teams.get(id);
    return t && copy(t);
  }

  async findBySlug(slug: string) {
    const t = [...this.state().teams.values()].find((x) => lower(x.slug) === lower(slug));
    return t && copy(t);
  }

  async list({ limit, cursor }: PageRequest): Promise<Page<Team>> {
    const after = cursor === undefined ? undefined : String(decodeCursor('teams', cursor, 1)[0]);
    const sorted = [...this.state().teams.values()]
      .filter((t) => after === undefined || t.slug > after)
      .sort((a, b) => (a.slug < b.slug ? -1 : 1));
    return pageOf(sorted.map(copy), limit, (last) => encodeCursor('teams', [last.slug]));
  }

  async delete(id: string): Promise<void> {
    const s = this.state();
    const team = s.teams.get(id);
    if (!team) throw new NotFoundError(`team ${id} not found`);
    if ([...s.items.values()].some((i) => i.teamId === id)) {
      throw new ConflictError(`team "${team.slug}" still owns items; move or remove them first`);
    }
    s.teams.delete(id);
    s.namespaces.delete(lower(team.slug));
    for (const [key, m] of s.memberships) if (m.teamId === id) s.memberships.delete(key);
  }

  async putMember(membership: TeamMembership): Promise<void> {
    const s = this.state();
    if (!s.teams.has(membership.teamId)) throw new NotFoundError(`team ${membership.teamId} not found`);
    if (!s.users.has(membership.userId)) throw new NotFoundError(`user ${membership.userId} not found`);
    const key = `${membership.teamId}/${membership.userId}`;
    const existing = s.memberships.get(key);
    if (existing?.role === 'owner' && membership.role !== 'owner') this.#keepAnOwner(membership.teamId);
    s.memberships.set(key, copy({ ...membership, createdAt: existing?.createdAt ?? membership.createdAt }));
  }

  async removeMember(teamId: string, userId: string): Promise<boolean> {
    const key = `${teamId}/${userId}`;
    if (this.state().memberships.get(key)?.role === 'owner') this.#keepAnOwner(teamId);
    return this.state().memberships.delete(key);
  }

  /** Called before an owner stops being one. */
  #keepAnOwner(teamId: string) {
    const owners = [...this.state().memberships.values()].filter((m) => m.teamId === teamId && m.role === 'owner');
    if (owners.length <= 1)
      throw new ConflictError('a team must keep at least one owner; make someone else owner first');
  }

  async findMembership(teamId: string, userId: string) {
    const m = this.state().memberships.get(`${teamId}/${userId}`);
    return m && copy(m);
  }

  async listMembers(teamId: string): Promise<TeamMember[]> {
    const s = this.state();
    return [...s.memberships.values()]
      .filter((m) => m.teamId === teamId)
      .map((m) => {
        const user = s.users.get(m.userId)!;
        return copy({ ...m, username: user.username, displayName: user.displayName });
      })
      .sort((a, b) => (a.username < b.username ? -1 : 1));
  }

  async listTeamsOf(userId: string): Promise<UserTeam[]> {
    const s = this.state();
    return [...s.memberships.values()]
      .filter((m) => m.userId === userId)
      .map((m) => copy({ team: s.teams.get(m.teamId)!, role: m.role }))
      .sort((a, b) => (a.team.slug < b.team.slug ? -1 : 1));
  }

  async countMembers(teamId: string, role?: TeamRole): Promise<number> {
    return [...this.state().memberships.values()].filter(
      (m) => m.teamId === teamId && (role === undefined || m.role === role),
    ).length;
  }
}

interface Ranked {
  item: CatalogItem;
  rank: number;
}

type SortKey = (string | number)[];

/** For each sort: the key of a row, and whether a key comes after another in that order. */
const SORTS = {
  relevance: {
    key: (r: Ranked): SortKey => [r.rank, r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! < b[0]! || (a[0] === b[0] && a[1]! > b[1]!),
  },
  updated: {
    key: (r: Ranked): SortKey => [r.item.updatedAt.toISOString(), r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!),
  },
  installs: {
    key: (r: Ranked): SortKey => [r.item.usageCount, r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!),
  },
  name: {
    key: (r: Ranked): SortKey => [r.item.name, r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! > b[0]! || (a[0] === b[0] && a[1]! > b[1]!),
  },
} as const;

/** Words PostgreSQL's `english` configuration drops from documents and queries. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
]);

/**
 * websearch_to_tsquery's shape: alternatives separated by `or`, each a conjunction of words;
 * `-word` excludes. Weights as ts_rank's default: A (name) 1.0, B (title, description) 0.4,
 * C (tags) 0.2, D (namespace) 0.1.
 */
function rankOf(item: CatalogItem, q: string): number | undefined {
  const fields: [Set<string>, number][] = [
    [terms(`${item.name} ${item.name.replaceAll('-', ' ')}`), 1.0],
    [terms(`${item.title ?? ''} ${item.description}`), 0.4],
    [terms(item.tags.join(' ')), 0.2],
    [terms(item.namespace), 0.1],
  ];
  const weightOf = (term: string) => Math.max(0, ...fields.filter(([set]) => set.has(term)).map(([, w]) => w));
  let best: number | undefined;
  for (const alternative of q.split(/\s+or\s+/i)) {
    const excluded = [...terms((alternative.match(/(?:^|\s)-\S+/g) ?? []).join(' '))];
    const wanted = [...terms(alternative.replace(/(?:^|\s)-\S+/g, ' '))].filter((t) => !STOP_WORDS.has(t));
    if (wanted.length === 0 || excluded.some((t) => weightOf(t) > 0)) continue;
    const weights = wanted.map(weightOf);
    if (weights.some((w) => w === 0)) continue;
    const score = weights.reduce((a, b) => a + b, 0) / (wanted.length * 10);
    best = Math.max(best ?? 0, score);
  }
  const trigram = similarity(item.name, q);
  if (best === undefined && trigram < 0.3) return undefined;
  return round6((best ?? 0) + trigram);
}

/** Whether the viewer may read the item: the same rule the PostgreSQL adapter writes into SQL. */
function readable(s: State, item: CatalogItem, viewer: ItemSearch['viewer']): boolean {
  if (viewer.kind === 'admin') return true;
  if (item.visibility === 'org') return true;
  if (viewer.kind === 'anonymous') return false;
  if (item.teamId === null) return item.ownerUserId === viewer.userId;
  return s.memberships.has(`${item.teamId}/${viewer.userId}`);
}

class InMemoryItemRepository implements ItemRepository {
  constructor(private readonly state: StateRef) {}

  #checkUnique(item: CatalogItem) {
    for (const other of this.state().items.values()) {
      if (other.id === item.id) continue;
      if (other.kind === item.kind && other.namespace === item.namespace && other.name === item.name) {
        throw new ConflictError(`${item.kind}/${item.namespace}/${item.name} already exists`);
      }
      if (other.gitPath === item.gitPath) throw new ConflictError(`an item already lives at ${item.gitPath}`);
    }
  }

  async insert(item: CatalogItem): Promise<void> {
    if (this.state().items.has(item.id)) throw new ConflictError(`item ${item.id} already exists`);
    this.#checkUnique(item);
    this.state().items.set(item.id, copy(item));
  }

  async update(item: CatalogItem): Promise<void> {
    if (!this.state().items.has(item.id)) throw new NotFoundError(`item ${item.id} not found`);
    this.#checkUnique(item);
    this.state().items.set(item.id, copy(item));
  }

  async findById(id: string) {
    const i = this.state().items.get(id);
    return i && copy(i);
  }

  async findByRef(ref: ItemRef) {
    const i = [...this.state().items.values()].find(
      (x) => x.kind === ref.kind && x.namespace === ref.namespace && x.name === ref.name,
    );
    return i && copy(i);
  }

  async findWithNamesByRef(ref: ItemRef) {
    const item = await this.findByRef(ref);
    if (!item) return undefined;
    const s = this.state();
    const owner = item.ownerUserId ? (s.users.get(item.ownerUserId)?.username ?? null) : null;
    const team = item.teamId ? (s.teams.get(item.teamId)?.slug ?? null) : null;
    return { item, owner, team };
  }

  async findByGitPath(gitPath: string) {
    const i = [...this.state().items.values()].find((x) => x.gitPath === gitPath);
    return i && copy(i);
  }

  async search(query: ItemSearch): Promise<Page<CatalogItem>> {
    const s = this.state();
    const q = query.q?.trim() ? query.q.trim() : undefined;
    const sortName = query.sort === 'relevance' && q === undefined ? 'updated' : query.sort;
    const sort = SORTS[sortName];
    const tag = `items:${sortName}`;
    const cursor = query.cursor === undefined ? undefined : (decodeCursor(tag, query.cursor, 2) as SortKey);
    const statuses = query.status ? [query.status] : ['active', 'deprecated'];
    const rows: Ranked[] = [];
    for (const item of s.items.values()) {
      if (!statuses.includes(item.status)) continue;
      if (query.kind && item.kind !== query.kind) continue;
      if (query.namespace && item.namespace !== lower(query.namespace)) continue;
      if (query.teamId && item.teamId !== query.teamId) continue;
      if (query.tag && !item.tags.includes(lower(query.tag))) continue;
      if (query.ownerUserId && item.ownerUserId !== query.ownerUserId) continue;
      if (!readable(s, item, query.viewer)) continue;
      const rank = q === undefined ? 0 : rankOf(item, q);
      if (rank === undefined) continue;
      rows.push({ item, rank });
    }
    const sorted = rows
      .filter((r) => cursor === undefined || sort.after(sort.key(r), cursor))
      .sort((a, b) => (sort.after(sort.key(a), sort.key(b)) ? 1 : sort.after(sort.key(b), sort.key(a)) ? -1 : 0));
    const page = pageOf(sorted, query.limit, (last) => encodeCursor(tag, sort.key(last)));
    return { ...page, items: page.items.map((r) => copy(r.item)) };
  }

  async listPointers() {
    return [...this.state().items.values()]
      .filter((i) => i.status !== 'deleted')
      .map((i) => ({ id: i.id, gitPath: i.gitPath, treeSha: i.treeSha, status: i.status }))
      .sort((a, b) => (a.gitPath < b.gitPath ? -1 : a.gitPath > b.gitPath ? 1 : 0));
  }

  async recordVersion(version: ItemVersion): Promise<void> {
    const s = this.state();
    if (!s.items.has(version.itemId)) throw new NotFoundError(`item ${version.itemId} not found`);
    if (s.versions.some((v) => v.itemId === version.itemId && v.commitSha === version.commitSha)) return;
    s.versions.push(copy(version));
  }

  async listVersions(itemId: string, commits?: readonly string[]): Promise<ItemVersion[]> {
    return this.state()
      .versions.filter((v) => v.itemId === itemId && (commits === undefined || commits.includes(v.commitSha)))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map(copy);
  }

  async findVersionsByNumber(itemId: string, version: string): Promise<ItemVersion[]> {
    return (await this.listVersions(itemId)).filter((v) => v.version === version);
  }

  async recordInstall(event: InstallEvent): Promise<number> {
    const s = this.state();
    const item = s.items.get(event.itemId);
    if (!item) throw new NotFoundError(`item ${event.itemId} not found`);
    s.installs.push(copy(event));
    s.items.set(item.id, { ...item, usageCount: item.usageCount + 1 });
    return item.usageCount + 1;
  }
}

class InMemoryTokenRepository implements TokenRepository {
  constructor(private readonly state: StateRef) {}

  async insert(token: ApiToken): Promise<void> {
    const s = this.state();
    if (s.tokens.has(token.id) || [...s.tokens.values()].some((t) => t.tokenHash === token.tokenHash)) {
      throw new ConflictError('token already exists');
    }
    if (!s.users.has(token.userId)) throw new NotFoundError(`user ${token.userId} not found`);
    s.tokens.set(token.id, copy(token));
  }

  async findById(id: string) {
    const t = this.state().tokens.get(id);
    return t && copy(t);
  }

  async findByHash(tokenHash: string) {
    const t = [...this.state().tokens.values()].find((x) => x.tokenHash === tokenHash);
    return t && copy(t);
  }

  async findWithUser(tokenHash: string) {
    const token = [...this.state().tokens.values()].find((x) => x.tokenHash === tokenHash);
    const user = token && this.state().users.get(token.userId);
    return token && user ? copy({ token, user }) : undefined;
  }

  async listByUser(userId: string, kind?: ApiToken['kind']) {
    return [...this.state().tokens.values()]
      .filter((t) => t.userId === userId && (kind === undefined || t.kind === kind))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map(copy);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const t = this.state().tokens.get(id);
    if (!t || t.revokedAt) return false;
    this.state().tokens.set(id, { ...t, revokedAt: new Date(at) });
    return true;
  }

  async touch(id: string, at: Date): Promise<void> {
    const t = this.state().tokens.get(id);
    if (t) this.state().tokens.set(id, { ...t, lastUsedAt: new Date(at) });
  }
}

class InMemoryAuditLog implements AuditLog {
  constructor(private readonly state: StateRef) {}

  async append(entry: AuditEntry): Promise<void> {
    this.state().audit.push(copy(entry));
  }

  async list(filter: AuditFilter, { limit, cursor }: PageRequest): Promise<Page<AuditEntry>> {
    const before = cursor === undefined ? undefined : String(decodeCursor('audit', cursor, 1)[0]);
    const matches = (e: AuditEntry) =>
      (filter.actorId === undefined || e.actorId === filter.actorId) &&
      (filter.action === undefined ||
        (filter.action.endsWith('.') ? e.action.startsWith(filter.action) : e.action === filter.action)) &&
      (filter.target === undefined || e.target === filter.target) &&
      (filter.since === undefined || e.at >= filter.since) &&
      (filter.until === undefined || e.at < filter.until) &&
      (before === undefined || e.id < before);
    const sorted = this.state()
      .audit.filter(matches)
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .map(copy);
    return pageOf(sorted, limit, (last) => encodeCursor('audit', [last.id]));
  }
}

class InMemorySyncRepository implements SyncRepository {
  constructor(private readonly state: StateRef) {}

  async recordDelivery(delivery: WebhookDelivery, job: SyncJob | undefined): Promise<boolean> {
    const s = this.state();
    if (s.deliveries.has(delivery.deliveryId)) return false;
    s.deliveries.set(delivery.deliveryId, copy(delivery));
    if (job) s.jobs.set(job.id, copy(job));
    return true;
  }

  async findDelivery(deliveryId: string) {
    const d = this.state().deliveries.get(deliveryId);
    return d && copy(d);
  }

  async enqueue(job: SyncJob): Promise<void> {
    if (this.state().jobs.has(job.id)) throw new ConflictError(`job ${job.id} already exists`);
    this.state().jobs.set(job.id, copy(job));
  }

  async claim(worker: string, now: Date, leaseUntil: Date): Promise<SyncJob | undefined> {
    const due = [...this.state().jobs.values()]
      .filter(
        (j) =>
          (j.status === 'queued' && j.runAfter <= now) ||
          (j.status === 'running' && j.lockedUntil !== null && j.lockedUntil <= now),
      )
      .sort((a, b) => a.runAfter.getTime() - b.runAfter.getTime() || (a.id < b.id ? -1 : 1))[0];
    if (!due) return undefined;
    const claimed: SyncJob = {
      ...due,
      status: 'running',
      attempts: due.attempts + 1,
      lockedBy: worker,
      lockedUntil: leaseUntil,
      updatedAt: now,
    };
    this.state().jobs.set(due.id, claimed);
    return copy(claimed);
  }

  async complete(id: string, now: Date): Promise<void> {
    const job = this.state().jobs.get(id);
    if (job) this.state().jobs.set(id, { ...job, status: 'done', lockedBy: null, lockedUntil: null, updatedAt: now });
  }

  async fail(id: string, error: string, now: Date, retryAt: Date | null): Promise<void> {
    const job = this.state().jobs.get(id);
    if (!job) return;
    this.state().jobs.set(id, {
      ...job,
      status: retryAt ? 'queued' : 'failed',
      runAfter: retryAt ?? job.runAfter,
      lastError: error,
      lockedBy: null,
      lockedUntil: null,
      updatedAt: now,
    });
  }

  async findJob(id: string) {
    const j = this.state().jobs.get(id);
    return j && copy(j);
  }

  async listJobs(status: SyncJob['status'], limit: number) {
    return [...this.state().jobs.values()]
      .filter((j) => j.status === status)
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map(copy);
  }

  async countJobs(status: SyncJob['status']) {
    return [...this.state().jobs.values()].filter((j) => j.status === status).length;
  }

  async getState() {
    return copy(this.state().syncState);
  }

  async advance(expected: string | null, next: string, at: Date): Promise<boolean> {
    const s = this.state();
    if (s.syncState.lastSyncedSha !== expected) return false;
    s.syncState = { ...s.syncState, lastSyncedSha: next, lastSyncedAt: at };
    return true;
  }

  async recordVerify(report: Record<string, unknown>, at: Date): Promise<void> {
    const s = this.state();
    s.syncState = { ...s.syncState, lastVerifiedAt: at, lastVerifyReport: copy(report) };
  }
}
