import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GitHubContentStore, type GitHubContentStoreOptions } from '../../src/adapters/github/github-content-store.ts';
import type { FakeGitHub } from '../../src/adapters/github/testing/fake-github.ts';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { bytes, sign, skillMd } from '../../src/application/sync/testing/sync-fixtures.ts';
import { verifyCatalog } from '../../src/application/sync/verify-catalog.ts';
import { assembleDeps } from '../../src/composition-root.ts';
import type { AtlasConfig, ContentConfig } from '../../src/config.ts';
import { ITEM_STATUSES } from '../../src/domain/catalog/catalog-item.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { ContentStore, ItemFile } from '../../src/domain/content/content-store.ts';
import type { Database } from '../../src/domain/repositories.ts';
import type { SyncRuntimeLog } from '../../src/entrypoints/worker/sync-runtime.ts';
import { CHEAP_ARGON2 } from '../../src/testing/in-memory-deps.ts';
import { flakyDatabase } from './catalog-helpers.ts';

export {
  actorOf,
  bytes,
  commitFiles,
  FailingContentStore,
  ManualClock,
  pushPayload,
  seedNamespaces,
  sign,
  skillMd,
  WEBHOOK_SECRET,
} from '../../src/application/sync/testing/sync-fixtures.ts';

export const exec = promisify(execFile);

/** The files of a skill as a publish takes them. */
export function skillFiles(name: string, description?: string, version?: string): ItemFile[] {
  return [{ path: 'SKILL.md', content: bytes(skillMd(name, description, version)), executable: false }];
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

/** Every row of the catalog (every status), by git path, with the fields sync owns. */
export async function catalogRows(db: Database) {
  const rows = [];
  for (const status of ITEM_STATUSES) {
    let cursor: string | undefined;
    do {
      const page = await db.items.search({
        status,
        sort: 'name',
        limit: 100,
        cursor,
        viewer: { kind: 'admin' },
        full: true,
      });
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
