import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { GitHubContentStore, type GitHubContentStoreOptions } from '../../src/adapters/github/github-content-store.ts';
import type { FakeGitHub } from '../../src/adapters/github/testing/fake-github.ts';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { verifyCatalog } from '../../src/application/sync/verify-catalog.ts';
import { assembleDeps } from '../../src/composition-root.ts';
import type { AtlasConfig, ContentConfig } from '../../src/config.ts';
import type { Actor } from '../../src/domain/accounts/actor.ts';
import type { User } from '../../src/domain/accounts/user.ts';
import { ITEM_STATUSES } from '../../src/domain/catalog/catalog-item.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { ContentStore, FileChange, ItemFile } from '../../src/domain/content/content-store.ts';
import { UnavailableError } from '../../src/domain/errors.ts';
import type { Database } from '../../src/domain/repositories.ts';
import { buildTeam, buildUser } from '../../src/domain/testing/builders.ts';
import type { SyncRuntimeLog } from '../../src/entrypoints/worker/sync-runtime.ts';
import { CHEAP_ARGON2 } from '../../src/testing/in-memory-deps.ts';
import { flakyDatabase } from './catalog-helpers.ts';

export const exec = promisify(execFile);
export const WEBHOOK_SECRET = 'a webhook secret shared with GitHub';
const encoder = new TextEncoder();
export const bytes = (text: string) => encoder.encode(text);

/** A SKILL.md whose name matches its folder; `version` lands in `metadata.version`. */
export function skillMd(name: string, description = `The ${name} skill.`, version?: string): string {
  const metadata = version ? `metadata:\n  version: "${version}"\n` : '';
  return `---\nname: ${name}\ndescription: ${description}\n${metadata}---\n# ${name}\n\nSteps.\n`;
}

/** The files of a skill as a publish takes them. */
export function skillFiles(name: string, description?: string, version?: string): ItemFile[] {
  return [{ path: 'SKILL.md', content: bytes(skillMd(name, description, version)), executable: false }];
}

/** Commits files (path -> text or bytes) and deletions straight to the branch, as someone using git would. */
export async function commitFiles(
  content: ContentStore,
  files: Record<string, string | Uint8Array>,
  deletes: string[] = [],
  message = 'Change made in git',
): Promise<string> {
  const changes: FileChange[] = [
    ...deletes.map((path) => ({ type: 'delete' as const, path })),
    ...Object.entries(files).map(([path, text]) => ({
      type: 'write' as const,
      path,
      content: typeof text === 'string' ? bytes(text) : text,
    })),
  ];
  const result = await content.commit({
    changes,
    message,
    author: { name: 'Grace Hopper', email: 'grace@example.com' },
    expectedHead: await content.head(),
  });
  return result.commitSha;
}

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  #at: number;
  constructor(start = Date.UTC(2030, 0, 1)) {
    this.#at = start;
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date): void {
    this.#at = at.getTime();
  }
  advance(ms: number): void {
    this.#at += ms;
  }
}

/** A content store whose reads fail with `error` the next `times` times, then work again. */
export class FailingContentStore implements ContentStore {
  #failures = 0;
  #error: () => Error = () => new UnavailableError('GitHub is down');
  constructor(readonly inner: ContentStore) {}

  failNext(times: number, error?: () => Error): void {
    this.#failures = times;
    if (error) this.#error = error;
  }
  #check(): void {
    if (this.#failures > 0) {
      this.#failures--;
      throw this.#error();
    }
  }
  async head() {
    this.#check();
    return this.inner.head();
  }
  async readItem(folder: string, at?: string) {
    this.#check();
    return this.inner.readItem(folder, at);
  }
  async listItemFiles(folder: string, at?: string) {
    this.#check();
    return this.inner.listItemFiles(folder, at);
  }
  async readFile(path: string, at?: string) {
    this.#check();
    return this.inner.readFile(path, at);
  }
  async listItems(at?: string) {
    this.#check();
    return this.inner.listItems(at);
  }
  async diffItems(from: string, to: string) {
    this.#check();
    return this.inner.diffItems(from, to);
  }
  commit(input: Parameters<ContentStore['commit']>[0]) {
    return this.inner.commit(input);
  }
  history(folder: string, opts: { limit: number; cursor?: string }) {
    return this.inner.history(folder, opts);
  }
}

type Settings = Partial<Pick<AtlasConfig, 'limits' | 'webhookSecret' | 'pollSeconds'>> & { content?: ContentConfig };

/** Deps around a database and a content store, with cheap hashing and the rbac authorizer. */
export function depsFor(db: Database, content: ContentStore, settings: Settings = {}, clock?: Clock): AtlasDeps {
  return assembleDeps(
    db,
    content,
    { authz: 'rbac', publicRead: false, registration: 'open', ...settings },
    { clock, argon2: CHEAP_ARGON2 },
  );
}

/** The configuration of a GitHub content repository, pointing at the fake. */
export function githubContent(fake: Pick<FakeGitHub, 'owner' | 'repo' | 'branch' | 'token' | 'apiUrl'>): ContentConfig {
  return {
    kind: 'github',
    owner: fake.owner,
    repo: fake.repo,
    branch: fake.branch,
    token: fake.token,
    apiUrl: fake.apiUrl,
  };
}

/** One second of a wait GitHub asks for lasts this many milliseconds. */
export const GITHUB_SECOND = 10;

/** A GitHub content store on the fake with short waits and few retries. */
export function githubStore(fake: FakeGitHub, options: Partial<GitHubContentStoreOptions> = {}): GitHubContentStore {
  return new GitHubContentStore({
    owner: fake.owner,
    repo: fake.repo,
    branch: fake.branch,
    token: fake.token,
    apiUrl: fake.apiUrl,
    retryAfterBaseValue: GITHUB_SECOND,
    minWriteIntervalMs: 0,
    maxWaitSeconds: 30,
    ...options,
  });
}

/** Users alice (a site admin) and bob, and team platform: the namespaces item folders use. */
export async function seedNamespaces(db: Database): Promise<{ alice: User; bob: User; teamId: string; admin: Actor }> {
  const alice = await db.users.insert(buildUser({ username: 'alice', isAdmin: true }));
  const bob = await db.users.insert(buildUser({ username: 'bob' }));
  const team = buildTeam({ slug: 'platform' });
  await db.teams.insert(team);
  return { alice, bob, teamId: team.id, admin: actorOf(alice) };
}

export const actorOf = (user: User): Actor => ({ user, tokenId: null, ip: null });

/** Every row of the catalog (every status), by git path, with the fields sync owns. */
export async function catalogRows(db: Database) {
  const rows = [];
  for (const status of ITEM_STATUSES) {
    let cursor: string | undefined;
    do {
      const page = await db.items.search({ status, sort: 'name', limit: 100, cursor, viewer: { kind: 'admin' } });
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return rows.sort((a, b) => (a.gitPath < b.gitPath ? -1 : a.gitPath > b.gitPath ? 1 : 0));
}

/**
 * Asserts the catalog equals git: the verifier finds no drift, every folder in git has exactly one
 * row that is not deleted, and no live row points at a folder git does not have.
 */
export async function driftOf(deps: Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'limits'>) {
  const report = await verifyCatalog(deps);
  const folders = (await deps.content.listItems()).map((t) => `${t.folder} ${t.treeSha}`);
  const live = (await catalogRows(deps.db))
    .filter((r) => r.status !== 'deleted')
    .map((r) => `${r.gitPath} ${r.treeSha}`);
  return { driftCount: report.driftCount, drift: report.drift, folders, live };
}

/** GitHub's X-Hub-Signature-256 for a payload. */
export function sign(payload: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
}

/** A push event body as GitHub sends it (the fields Atlas reads, and a few it does not). */
export function pushPayload(options: { repository?: string; ref?: string; after?: string; before?: string } = {}) {
  return JSON.stringify({
    ref: options.ref ?? 'refs/heads/main',
    before: options.before ?? '0'.repeat(40),
    after: options.after ?? 'a'.repeat(40),
    repository: { full_name: options.repository ?? 'acme/catalog', default_branch: 'main' },
    pusher: { name: 'grace' },
    commits: [],
  });
}

/** The headers GitHub sends with a delivery. */
export function webhookHeaders(payload: string, deliveryId: string | undefined, event = 'push', secret?: string) {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    ...(deliveryId === undefined ? {} : { 'x-github-delivery': deliveryId }),
    'x-hub-signature-256': sign(payload, secret),
  };
}

/** A runtime log that keeps every line. */
export function memoryLog(): SyncRuntimeLog & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (details: object, message: string) => {
    lines.push(`${level} ${message} ${JSON.stringify(details, (_k, v) => (v instanceof Error ? v.message : v))}`);
  };
  return { lines, info: write('info'), warn: write('warn'), error: write('error') };
}

/** Waits until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A database that can be swapped underneath the deps that hold it: how a test takes the database away
 * (an unreachable server) and gives it back.
 */
export function switchableDatabase(initial: Database): { db: Database; use(db: Database): void } {
  let current = initial;
  const db = new Proxy({} as Database, {
    get(_target, property) {
      const value = Reflect.get(current, property, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
  return {
    db,
    use(next) {
      current = next;
    },
  };
}

/**
 * A database whose `transaction` fails once when armed, before any of its work runs: what the process
 * dying between the git commit and the database write looks like to a use case.
 */
export function crashingDatabase(db: Database): { db: Database; crashNextTransaction(): void } {
  const flaky = flakyDatabase(db, 'the process died before the database write');
  return { db: flaky.db, crashNextTransaction: flaky.failNextTransaction };
}
