/**
 * A loopback stand-in for the parts of GitHub's REST API that the GitHub content store uses, backed by a real
 * bare git repository (isomorphic-git for objects and refs, system git for path-filtered history).
 * Response bodies are typed with GitHub's own OpenAPI schemas, so a wrong shape does not compile.
 * Switches inject GitHub's failure modes: primary and secondary rate limits, 5xx answers and a
 * non-fast-forward ref update; `pushCommit` moves the branch "from outside".
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { components, operations } from '@octokit/openapi-types';
import {
  init,
  readBlob,
  readCommit,
  readTree,
  resolveRef,
  writeBlob,
  writeCommit,
  writeRef,
  writeTree,
} from 'isomorphic-git';

type Schemas = components['schemas'];
type JsonBody<O extends keyof operations> = operations[O] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Milliseconds since the epoch when the request arrived. */
  readonly at: number;
}

export interface FakeGitHub {
  readonly apiUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  readonly token: string;
  /** The bare repository behind the fake. */
  readonly gitdir: string;
  /** Every request answered so far, in order. */
  readonly requests: readonly RecordedRequest[];
  /** How many requests matched (all of them without a filter). */
  requestCount(filter?: { method?: string; path?: string | RegExp; status?: number }): number;
  /** The next `requests` requests get 403 with `x-ratelimit-remaining: 0` and a reset `resetInSeconds` from now. */
  injectPrimaryRateLimit(options: { resetInSeconds: number; requests?: number }): void;
  /** The next `requests` requests get a secondary rate limit answer (403 by default) with `retry-after`. */
  injectSecondaryRateLimit(options: { retryAfterSeconds: number; requests?: number; status?: 403 | 429 }): void;
  /** The next `requests` requests get a 5xx answer (502 by default). */
  injectServerError(options?: { requests?: number; status?: number }): void;
  /** The next ref update is refused with 422 "Update is not a fast forward", whatever it asks. */
  injectNonFastForward(): void;
  /** Commits on top of the branch as someone else would, and moves the branch. Returns the commit SHA. */
  pushCommit(options: {
    files?: Record<string, string | Uint8Array>;
    deletes?: string[];
    message?: string;
  }): Promise<string>;
  /** The branch's commit SHA, read from the repository. */
  head(): Promise<string>;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const exec = promisify(execFile);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Schemas['basic-error'] | Schemas['validation-error'],
  ) {
    super(body.message);
  }
}

const notFound = (message = 'Not Found') => new HttpError(404, { message, documentation_url: DOCS, status: '404' });
const unprocessable = (message: string) => new HttpError(422, { message, documentation_url: DOCS });

type TreeEntry = { mode: string; path: string; oid: string; type: 'blob' | 'tree' | 'commit' };
/** A folder being edited: entries by name; `edited` holds the folders below it that changed. */
type EditFolder = { entries: Map<string, TreeEntry>; edited: Map<string, EditFolder> };

export async function startFakeGitHub(
  options: { owner?: string; repo?: string; branch?: string; token?: string } = {},
): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'catalog';
  const branch = options.branch ?? 'main';
  const token = options.token ?? 'ghp_fake_token_for_tests';
  const gitdir = await mkdtemp(join(tmpdir(), 'atlas-fake-github-'));
  const cache = {};
  const blobSizes = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  let primary = { left: 0, reset: 0 };
  let secondary = { left: 0, retryAfter: 0, status: 403 };
  let serverErrors = { left: 0, status: 502 };
  let refuseNextRefUpdate = false;
  let refLock: Promise<unknown> = Promise.resolve();
  let remaining = 5000;

  await init({ fs, gitdir, bare: true, defaultBranch: branch });
  const emptyTree = await writeTree({ fs, gitdir, tree: [] });
  const start = {
    name: 'Octocat',
    email: 'octocat@github.com',
    timestamp: Math.floor(Date.now() / 1000),
    timezoneOffset: 0,
  };
  const first = await writeCommit({
    fs,
    gitdir,
    commit: { tree: emptyTree, parent: [], author: start, committer: start, message: 'Initial commit\n' },
  });
  await writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: first });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const body = error instanceof HttpError ? error.body : { message: String(error), documentation_url: DOCS };
      send(req, res, status, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const repoUrl = `${apiUrl}/repos/${owner}/${repo}`;
  const htmlUrl = `https://github.com/${owner}/${repo}`;

  const headSha = () => resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` });

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (status !== 304) remaining = Math.max(1, remaining - 1);
    requests.push({
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', apiUrl).pathname,
      status,
      at: Date.now(),
    });
    const limit = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      'x-github-request-id': createHash('sha1').update(String(requests.length)).digest('hex').slice(0, 16),
    };
    const payload = body === undefined || status === 304 ? undefined : JSON.stringify(body);
    res.writeHead(status, {
      ...limit,
      ...headers,
      ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    });
    res.end(payload);
  }

  async function readJson<T>(req: IncomingMessage): Promise<T> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
    } catch {
      throw new HttpError(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
    }
  }

  function failure(req: IncomingMessage, res: ServerResponse): boolean {
    if (serverErrors.left > 0) {
      serverErrors.left--;
      send(req, res, serverErrors.status, { message: 'Server Error', documentation_url: DOCS });
      return true;
    }
    if (primary.left > 0) {
      primary.left--;
      send(
        req,
        res,
        403,
        {
          message:
            'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        } satisfies Schemas['basic-error'],
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(primary.reset) },
      );
      return true;
    }
    if (secondary.left > 0) {
      secondary.left--;
      send(
        req,
        res,
        secondary.status,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        } satisfies Schemas['basic-error'],
        { 'retry-after': String(secondary.retryAfter) },
      );
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
      return send(req, res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
    }
    if (failure(req, res)) return;
    const url = new URL(req.url ?? '/', apiUrl);
    const prefix = `/repos/${owner}/${repo}/`;
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith(prefix)) throw notFound();
    const route = `${req.method} ${path.slice(prefix.length)}`;
    const routes: [RegExp, (match: string) => Promise<void>][] = [
      [
        /^GET git\/ref\/heads\/(.+)$/,
        (name) => (name === branch ? getRef(req, res, name) : getOtherRef(req, res, name)),
      ],
      [
        /^PATCH git\/refs\/heads\/(.+)$/,
        (name) => (name === branch ? updateRef(req, res, name) : updateOtherRef(req, res, name)),
      ],
      [/^POST git\/refs$/, () => createRef(req, res)],
      [/^GET git\/commits\/([0-9a-f]{40})$/, async (sha) => send(req, res, 200, await commitBody(sha))],
      [/^POST git\/commits$/, () => createCommit(req, res)],
      [/^GET git\/trees\/([0-9a-f]{40})$/, async (sha) => send(req, res, 200, await treeBody(sha))],
      [/^POST git\/trees$/, () => createTree(req, res)],
      [/^GET git\/blobs\/([0-9a-f]{40})$/, (sha) => getBlob(req, res, sha)],
      [/^POST git\/blobs$/, () => createBlob(req, res)],
      [/^GET commits$/, () => listCommits(req, res, url.searchParams)],
    ];
    for (const [pattern, run] of routes) {
      const match = route.match(pattern);
      if (match) return run(match[1] ?? '');
    }
    throw notFound();
  }

  function refBody(sha: string): Schemas['git-ref'] {
    return {
      ref: `refs/heads/${branch}`,
      node_id: Buffer.from(`ref:${branch}`).toString('base64'),
      url: `${repoUrl}/git/refs/heads/${branch}`,
      object: { type: 'commit', sha, url: `${repoUrl}/git/commits/${sha}` },
    };
  }

  async function getRef(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (name !== branch) throw notFound();
    const body = refBody(await headSha());
    const etag = `W/"${createHash('sha256').update(JSON.stringify(body)).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) return send(req, res, 304, undefined, { etag });
    send(req, res, 200, body, { etag });
  }

  // Branches other than the content branch (a generated branch such as the marketplaces'): read, created and moved
  // as GitHub does, without the failure switches of the content branch.
  const otherRefBody = (name: string, sha: string): Schemas['git-ref'] => ({
    ref: `refs/heads/${name}`,
    node_id: Buffer.from(`ref:${name}`).toString('base64'),
    url: `${repoUrl}/git/refs/heads/${name}`,
    object: { type: 'commit', sha, url: `${repoUrl}/git/commits/${sha}` },
  });
  const otherHead = (name: string) =>
    resolveRef({ fs, gitdir, ref: `refs/heads/${name}` }).catch(() => undefined as string | undefined);

  async function getOtherRef(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const sha = await otherHead(name);
    if (!sha) throw notFound();
    send(req, res, 200, otherRefBody(name, sha));
  }

  async function createRef(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson<JsonBody<'git/create-ref'>>(req);
    const name = /^refs\/heads\/(.+)$/.exec(body.ref)?.[1];
    if (!name) throw unprocessable('Reference name must start with refs/heads/');
    const run = refLock.then(async () => {
      if (name === branch || (await otherHead(name))) throw unprocessable('Reference already exists');
      if (!(await readCommit({ fs, gitdir, oid: body.sha, cache }).catch(() => undefined))) {
        throw unprocessable('Object does not exist');
      }
      await writeRef({ fs, gitdir, ref: `refs/heads/${name}`, value: body.sha, force: true });
    });
    refLock = run.catch(() => undefined);
    await run;
    send(req, res, 201, otherRefBody(name, body.sha));
  }

  async function updateOtherRef(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const body = await readJson<JsonBody<'git/update-ref'>>(req);
    const run = refLock.then(async () => {
      const current = await otherHead(name);
      if (!current) throw unprocessable('Reference does not exist');
      if (!(await readCommit({ fs, gitdir, oid: body.sha, cache }).catch(() => undefined))) {
        throw unprocessable('Object does not exist');
      }
      if (!body.force && !(await isAncestor(current, body.sha))) throw unprocessable('Update is not a fast forward');
      await writeRef({ fs, gitdir, ref: `refs/heads/${name}`, value: body.sha, force: true });
    });
    refLock = run.catch(() => undefined);
    await run;
    send(req, res, 200, otherRefBody(name, body.sha));
  }

  async function isAncestor(ancestor: string, of: string): Promise<boolean> {
    const seen = new Set<string>();
    const queue = [of];
    while (queue.length > 0) {
      const sha = queue.shift()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(await readCommit({ fs, gitdir, oid: sha, cache })).commit.parent);
    }
    return false;
  }

  async function updateRef(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const body = await readJson<JsonBody<'git/update-ref'>>(req);
    if (name !== branch) throw unprocessable('Reference does not exist');
    const run = refLock.then(async () => {
      if (refuseNextRefUpdate) {
        refuseNextRefUpdate = false;
        throw unprocessable('Update is not a fast forward');
      }
      const target = await readCommit({ fs, gitdir, oid: body.sha, cache }).catch(() => undefined);
      if (!target) throw unprocessable('Object does not exist');
      const current = await headSha();
      // GitHub compares and moves the ref as one step; the queue makes these steps one here.
      if (!body.force && !(await isAncestor(current, body.sha))) throw unprocessable('Update is not a fast forward');
      await writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: body.sha, force: true });
    });
    refLock = run.catch(() => undefined);
    await run;
    send(req, res, 200, refBody(body.sha));
  }

  async function commitBody(sha: string): Promise<Schemas['git-commit']> {
    const found = await readCommit({ fs, gitdir, oid: sha, cache }).catch(() => undefined);
    if (!found) throw notFound();
    const { commit } = found;
    const person = (p: typeof commit.author) => ({
      name: p.name,
      email: p.email,
      date: new Date(p.timestamp * 1000).toISOString().replace('.000Z', 'Z'),
    });
    return {
      sha,
      node_id: Buffer.from(`commit:${sha}`).toString('base64'),
      url: `${repoUrl}/git/commits/${sha}`,
      html_url: `${htmlUrl}/commit/${sha}`,
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message,
      tree: { sha: commit.tree, url: `${repoUrl}/git/trees/${commit.tree}` },
      parents: commit.parent.map((parent) => ({
        sha: parent,
        url: `${repoUrl}/git/commits/${parent}`,
        html_url: `${htmlUrl}/commit/${parent}`,
      })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  }

  async function createCommit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson<JsonBody<'git/create-commit'>>(req);
    if (typeof body.message !== 'string' || typeof body.tree !== 'string') throw unprocessable('Invalid request.');
    const tree = await readTree({ fs, gitdir, oid: body.tree, cache }).catch(() => undefined);
    if (!tree || tree.oid !== body.tree) throw unprocessable('Tree SHA does not exist');
    for (const parent of body.parents ?? []) {
      if (!(await readCommit({ fs, gitdir, oid: parent, cache }).catch(() => undefined))) {
        throw unprocessable('Parent SHA does not exist or is not a commit object');
      }
    }
    const signature = (p: { name?: string; email?: string; date?: string } | undefined) => {
      const date = p?.date ? new Date(p.date) : new Date();
      return {
        name: p?.name ?? 'Octocat',
        email: p?.email ?? 'octocat@github.com',
        timestamp: Math.floor(date.getTime() / 1000),
        timezoneOffset: 0,
      };
    };
    const author = signature(body.author);
    const sha = await writeCommit({
      fs,
      gitdir,
      commit: {
        tree: body.tree,
        parent: body.parents ?? [],
        author,
        committer: body.committer ? signature({ ...body.author, ...body.committer }) : author,
        message: body.message,
      },
    });
    send(req, res, 201, await commitBody(sha), { location: `${repoUrl}/git/commits/${sha}` });
  }

  async function blobSize(sha: string): Promise<number> {
    let size = blobSizes.get(sha);
    if (size === undefined) {
      size = (await readBlob({ fs, gitdir, oid: sha, cache })).blob.byteLength;
      blobSizes.set(sha, size);
    }
    return size;
  }

  async function treeBody(sha: string): Promise<Schemas['git-tree']> {
    const found = await readTree({ fs, gitdir, oid: sha, cache }).catch(() => undefined);
    // readTree peels a commit to its tree; GitHub's trees endpoint does too.
    if (!found) throw notFound();
    return {
      sha: found.oid,
      url: `${repoUrl}/git/trees/${found.oid}`,
      truncated: false,
      tree: await Promise.all(
        found.tree.map(async (entry) => ({
          path: entry.path,
          mode: entry.mode,
          type: entry.type,
          sha: entry.oid,
          ...(entry.type === 'blob' ? { size: await blobSize(entry.oid) } : {}),
          url: `${repoUrl}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.oid}`,
        })),
      ),
    };
  }

  async function loadFolder(sha: string | undefined): Promise<EditFolder> {
    const entries = new Map<string, TreeEntry>();
    if (sha) for (const entry of (await readTree({ fs, gitdir, oid: sha, cache })).tree) entries.set(entry.path, entry);
    return { entries, edited: new Map() };
  }

  async function folderAt(root: EditFolder, segments: string[], create: boolean): Promise<EditFolder | undefined> {
    let folder = root;
    for (const segment of segments) {
      let next = folder.edited.get(segment);
      if (!next) {
        const entry = folder.entries.get(segment);
        if (entry?.type !== 'tree' && !create) return undefined;
        next = await loadFolder(entry?.type === 'tree' ? entry.oid : undefined);
        folder.edited.set(segment, next);
        if (entry?.type !== 'tree') folder.entries.delete(segment);
      }
      folder = next;
    }
    return folder;
  }

  async function saveFolder(folder: EditFolder): Promise<string | undefined> {
    for (const [name, inner] of folder.edited) {
      const sha = await saveFolder(inner);
      if (sha) folder.entries.set(name, { mode: '040000', path: name, oid: sha, type: 'tree' });
      else folder.entries.delete(name);
    }
    if (folder.entries.size === 0) return undefined;
    return writeTree({ fs, gitdir, tree: [...folder.entries.values()] });
  }

  async function createTree(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson<JsonBody<'git/create-tree'>>(req);
    if (!Array.isArray(body.tree)) throw unprocessable('Invalid tree info');
    if (body.base_tree && !(await readTree({ fs, gitdir, oid: body.base_tree, cache }).catch(() => undefined))) {
      throw unprocessable('base_tree is not a valid tree oid');
    }
    const root = await loadFolder(body.base_tree);
    for (const item of body.tree) {
      const segments = (item.path ?? '').split('/');
      const name = segments.pop()!;
      if (!item.path || segments.some((s) => s === '' || s === '.' || s === '..') || name === '') {
        throw unprocessable(`tree.path contains a malformed path component`);
      }
      if (item.sha === null) {
        const parent = await folderAt(root, segments, false);
        if (!parent || !(parent.entries.has(name) || parent.edited.has(name))) {
          throw unprocessable(`GitRPC::BadObjectState: cannot delete ${item.path}, it does not exist`);
        }
        parent.entries.delete(name);
        parent.edited.delete(name);
        continue;
      }
      const parent = (await folderAt(root, segments, true))!;
      let sha = item.sha;
      if (item.content !== undefined) {
        const content = Buffer.from(item.content, 'utf8');
        sha = await writeBlob({ fs, gitdir, blob: content });
        blobSizes.set(sha, content.byteLength);
      }
      const type = item.type ?? (item.mode === '040000' ? 'tree' : 'blob');
      if (!sha || !['100644', '100755', '040000', '160000', '120000'].includes(item.mode ?? '')) {
        throw unprocessable('Must supply either tree.sha or tree.content, and a valid tree.mode');
      }
      const exists =
        type === 'tree'
          ? await readTree({ fs, gitdir, oid: sha, cache }).then(
              (t) => t.oid === sha,
              () => false,
            )
          : await readBlob({ fs, gitdir, oid: sha, cache }).then(
              () => true,
              () => false,
            );
      if (!exists) throw unprocessable(`tree.sha ${sha} is not a valid ${type}`);
      parent.edited.delete(name);
      parent.entries.set(name, { mode: item.mode!, path: name, oid: sha, type });
    }
    const sha = (await saveFolder(root)) ?? (await writeTree({ fs, gitdir, tree: [] }));
    send(req, res, 201, await treeBody(sha), { location: `${repoUrl}/git/trees/${sha}` });
  }

  async function getBlob(req: IncomingMessage, res: ServerResponse, sha: string): Promise<void> {
    const found = await readBlob({ fs, gitdir, oid: sha, cache }).catch(() => undefined);
    if (!found) throw notFound();
    // GitHub wraps base64 content at 60 characters, with a newline at the end.
    const content = `${Buffer.from(found.blob).toString('base64').replace(/.{60}/g, '$&\n')}\n`;
    const body: Schemas['blob'] = {
      content,
      encoding: 'base64',
      url: `${repoUrl}/git/blobs/${sha}`,
      sha,
      size: found.blob.byteLength,
      node_id: Buffer.from(`blob:${sha}`).toString('base64'),
    };
    send(req, res, 200, body);
  }

  async function createBlob(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson<JsonBody<'git/create-blob'>>(req);
    if (typeof body.content !== 'string') throw unprocessable('Invalid request.');
    const encoding = body.encoding ?? 'utf-8';
    if (encoding !== 'utf-8' && encoding !== 'base64') throw unprocessable(`encoding ${encoding} is not supported`);
    const content = Buffer.from(body.content, encoding === 'base64' ? 'base64' : 'utf8');
    const sha = await writeBlob({ fs, gitdir, blob: content });
    blobSizes.set(sha, content.byteLength);
    const created: Schemas['short-blob'] = { url: `${repoUrl}/git/blobs/${sha}`, sha };
    send(req, res, 201, created, { location: created.url });
  }

  async function listCommits(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const start = query.get('sha') ?? (await headSha());
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30)));
    const page = Math.max(1, Number(query.get('page') ?? 1));
    const path = query.get('path');
    if (!/^[0-9a-f]{40}$/.test(start) && start !== branch) throw notFound(`No commit found for SHA: ${start}`);
    const args = [
      '--git-dir',
      gitdir,
      'log',
      '--format=%H',
      `--skip=${(page - 1) * perPage}`,
      `--max-count=${perPage + 1}`,
      start,
    ];
    const { stdout } = await exec('git', path ? [...args, '--', path] : args).catch(() => {
      throw notFound(`No commit found for SHA: ${start}`);
    });
    const shas = stdout.split('\n').filter(Boolean);
    const listed: Schemas['commit'][] = await Promise.all(
      shas.slice(0, perPage).map(async (sha) => {
        const detail = await commitBody(sha);
        return {
          url: `${repoUrl}/commits/${sha}`,
          sha,
          node_id: detail.node_id,
          html_url: detail.html_url,
          comments_url: `${repoUrl}/commits/${sha}/comments`,
          commit: {
            url: detail.url,
            author: detail.author,
            committer: detail.committer,
            message: detail.message,
            comment_count: 0,
            tree: detail.tree,
            verification: detail.verification,
          },
          author: null,
          committer: null,
          parents: detail.parents,
        };
      }),
    );
    const headers: Record<string, string> = {};
    if (shas.length > perPage) {
      const next = new URL(`${repoUrl}/commits`);
      for (const [key, value] of query) next.searchParams.set(key, value);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next}>; rel="next"`;
    }
    send(req, res, 200, listed, headers);
  }

  async function pushCommit({
    files = {},
    deletes = [],
    message = 'Change from outside',
  }: Parameters<FakeGitHub['pushCommit']>[0]): Promise<string> {
    const run = refLock.then(async () => {
      const parent = await headSha();
      const root = await loadFolder((await readCommit({ fs, gitdir, oid: parent, cache })).commit.tree);
      for (const path of deletes) {
        const segments = path.split('/');
        const name = segments.pop()!;
        const folder = await folderAt(root, segments, false);
        folder?.entries.delete(name);
        folder?.edited.delete(name);
      }
      for (const [path, content] of Object.entries(files)) {
        const segments = path.split('/');
        const name = segments.pop()!;
        const folder = (await folderAt(root, segments, true))!;
        const blob = typeof content === 'string' ? Buffer.from(content) : content;
        const oid = await writeBlob({ fs, gitdir, blob });
        folder.edited.delete(name);
        folder.entries.set(name, { mode: '100644', path: name, oid, type: 'blob' });
      }
      const tree = (await saveFolder(root)) ?? (await writeTree({ fs, gitdir, tree: [] }));
      const who = {
        name: 'Someone Else',
        email: 'else@example.com',
        timestamp: Math.floor(Date.now() / 1000),
        timezoneOffset: 0,
      };
      const sha = await writeCommit({
        fs,
        gitdir,
        commit: { tree, parent: [parent], author: who, committer: who, message: `${message}\n` },
      });
      await writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: sha, force: true });
      return sha;
    });
    refLock = run.catch(() => undefined);
    return run;
  }

  return {
    apiUrl,
    owner,
    repo,
    branch,
    token,
    gitdir,
    requests,
    requestCount(filter = {}) {
      return requests.filter(
        (r) =>
          (filter.method === undefined || r.method === filter.method) &&
          (filter.status === undefined || r.status === filter.status) &&
          (filter.path === undefined ||
            (typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path))),
      ).length;
    },
    injectPrimaryRateLimit({ resetInSeconds, requests: count = 1 }) {
      primary = { left: count, reset: Math.ceil(Date.now() / 1000 + resetInSeconds) };
    },
    injectSecondaryRateLimit({ retryAfterSeconds, requests: count = 1, status = 403 }) {
      secondary = { left: count, retryAfter: retryAfterSeconds, status };
    },
    injectServerError({ requests: count = 1, status = 502 } = {}) {
      serverErrors = { left: count, status };
    },
    injectNonFastForward() {
      refuseNextRefUpdate = true;
    },
    pushCommit,
    head: headSha,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(gitdir, { recursive: true, force: true });
    },
  };
}
