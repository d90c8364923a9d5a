import { createHmac } from 'node:crypto';
import { GitHubWebhookVerifier } from '../../../adapters/github/github-webhook-verifier.ts';
import type { Actor } from '../../../domain/accounts/actor.ts';
import type { User } from '../../../domain/accounts/user.ts';
import type { ContentStore, FileChange } from '../../../domain/content/content-store.ts';
import { UnavailableError } from '../../../domain/errors.ts';
import type { Database } from '../../../domain/repositories.ts';
import { buildTeam, buildUser } from '../../../domain/testing/builders.ts';
import { ManualClock } from '../../../domain/testing/manual-clock.ts';
import { createInMemoryDeps } from '../../../testing/in-memory-deps.ts';
import type { AtlasDeps } from '../../deps.ts';

export { ManualClock };

export const WEBHOOK_SECRET = 'a webhook secret shared with GitHub';
const encoder = new TextEncoder();
export const bytes = (text: string) => encoder.encode(text);

/** In-memory deps on a manual clock that take pushes of `acme/catalog` to `main`, signed with WEBHOOK_SECRET. */
export function syncDeps(clock = new ManualClock()): AtlasDeps & { clock: ManualClock } {
  const deps = createInMemoryDeps({}, { clock });
  return {
    ...deps,
    clock,
    webhooks: new GitHubWebhookVerifier(WEBHOOK_SECRET),
    syncSettings: { ...deps.syncSettings, repository: 'acme/catalog', branch: 'main' },
  };
}

/** A SKILL.md whose name matches its folder; `version` lands in `metadata.version`. */
export function skillMd(name: string, description = `The ${name} skill.`, version?: string): string {
  const metadata = version ? `metadata:\n  version: "${version}"\n` : '';
  return `---\nname: ${name}\ndescription: ${description}\n${metadata}---\n# ${name}\n\nSteps.\n`;
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

export const actorOf = (user: User): Actor => ({ user, tokenId: null, ip: null });

/** Users alice (a site admin) and bob, and team platform: the namespaces item folders use. */
export async function seedNamespaces(db: Database): Promise<{ alice: User; bob: User; teamId: string; admin: Actor }> {
  const alice = await db.users.insert(buildUser({ username: 'alice', isAdmin: true }));
  const bob = await db.users.insert(buildUser({ username: 'bob' }));
  const team = buildTeam({ slug: 'platform' });
  await db.teams.insert(team);
  return { alice, bob, teamId: team.id, admin: actorOf(alice) };
}

/** GitHub's X-Hub-Signature-256 for a payload. */
export function sign(payload: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
}

/** A push event payload as GitHub sends it (the fields Atlas reads, and a few it does not). */
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
