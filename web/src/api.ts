/**
 * The one typed client of Atlas's HTTP API. Every shape comes from the wire contract (src/entrypoints/http/schemas),
 * imported as types only: nothing of the server is bundled. Writes send the session's CSRF token; the session itself
 * is an HttpOnly cookie the browser sends and no script can read.
 */
import type { Login, Me, NewAccount } from '../../src/entrypoints/http/schemas/accounts.ts';
import type { AuditPage, AuditQuery } from '../../src/entrypoints/http/schemas/audit.ts';
import type { BrowserSession } from '../../src/entrypoints/http/schemas/browser-session.ts';
import type {
  InstallConfig,
  InstallConfigQuery,
  ItemAnswer,
  ItemAtVersion,
  ItemDetails,
  ItemPage,
  ItemVersionPage,
  PatchBody,
  PublishBody,
  Published,
  SearchQuery,
  UpdateBody,
} from '../../src/entrypoints/http/schemas/items.ts';
import type { FieldProblem, ProblemDocument } from '../../src/entrypoints/http/schemas/problem.ts';
import type { PublishPreview } from '../../src/entrypoints/http/schemas/publish-preview.ts';
import type { SyncRun, SyncStatus, VerifyReport } from '../../src/entrypoints/http/schemas/sync.ts';
import type {
  MemberAnswer,
  NewTeam,
  TeamAnswer,
  TeamDetails,
  TeamPage,
  TeamRole,
} from '../../src/entrypoints/http/schemas/teams.ts';
import type { CreatedToken, NewToken, TokenList } from '../../src/entrypoints/http/schemas/tokens.ts';

/** An answer other than 2xx, with the problem document Atlas sends (RFC 9457) when there is one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: ProblemDocument | undefined,
  ) {
    super(problem?.detail ?? `the server answered ${status}`);
  }
  get problems(): FieldProblem[] {
    return this.problem?.problems ?? [];
  }
}

let csrfToken: string | null = null;

/** The token every write made with the session cookie echoes (from GET /session and sign-in). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (!response.ok) {
    let problem: ProblemDocument | undefined;
    try {
      problem = (await response.json()) as ProblemDocument;
    } catch {
      problem = undefined;
    }
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const enc = encodeURIComponent;
const itemPath = (ref: string) => `/api/v1/items/${ref}`;
/** A path inside an item, each segment encoded. */
const filePath = (path: string) => path.split('/').map(enc).join('/');

/** A page of search results, with facet counts when asked for (`facets: true`) and the server has them. */
export type SearchAnswer = ItemPage;
export type SearchParams = SearchQuery;

export const api = {
  session: (signal?: AbortSignal) => request<BrowserSession>('GET', '/api/v1/session', { signal }),
  signIn: (body: Login) => request<BrowserSession>('POST', '/api/v1/session', { body }),
  register: (body: NewAccount) => request<BrowserSession>('POST', '/api/v1/session/register', { body }),
  signOut: () => request<void>('DELETE', '/api/v1/session'),
  signOutEverywhere: () => request<void>('POST', '/api/v1/auth/logout-everywhere'),
  me: () => request<Me>('GET', '/api/v1/me'),

  search: (query: SearchParams, signal?: AbortSignal) =>
    request<SearchAnswer>('GET', '/api/v1/items', { query: query as Query, signal }),
  item: (ref: string, signal?: AbortSignal) => request<ItemDetails>('GET', itemPath(ref), { signal }),
  versions: (ref: string, cursor?: string, limit = 20, signal?: AbortSignal) =>
    request<ItemVersionPage>('GET', `${itemPath(ref)}/versions`, { query: { cursor, limit }, signal }),
  version: (ref: string, commit: string, signal?: AbortSignal) =>
    request<ItemAtVersion>('GET', `${itemPath(ref)}/versions/${enc(commit)}`, { signal }),
  /** What an install into a client would give, read-only: it does not count an install. */
  installConfig: (ref: string, query: InstallConfigQuery, signal?: AbortSignal) =>
    request<InstallConfig>('GET', `${itemPath(ref)}/install-config`, { query: { ...query }, signal }),
  patch: (ref: string, body: PatchBody) => request<ItemAnswer>('PATCH', itemPath(ref), { body }),
  remove: (ref: string, treeSha: string) =>
    request<void>('DELETE', itemPath(ref), { headers: { 'if-match': `"${treeSha}"` } }),
  preview: (body: PublishBody) => request<PublishPreview>('POST', '/api/v1/items', { body, query: { dryRun: true } }),
  publish: (body: PublishBody) => request<Published>('POST', '/api/v1/items', { body }),
  update: (ref: string, body: UpdateBody, treeSha: string) =>
    request<Published>('PUT', itemPath(ref), { body, headers: { 'if-match': `"${treeSha}"` } }),

  teams: (cursor?: string) => request<TeamPage>('GET', '/api/v1/teams', { query: { cursor, limit: 50 } }),
  team: (slug: string, signal?: AbortSignal) => request<TeamDetails>('GET', `/api/v1/teams/${enc(slug)}`, { signal }),
  createTeam: (body: NewTeam) => request<TeamAnswer>('POST', '/api/v1/teams', { body }),
  putMember: (slug: string, username: string, role: TeamRole) =>
    request<MemberAnswer>('PUT', `/api/v1/teams/${enc(slug)}/members/${enc(username)}`, { body: { role } }),
  removeMember: (slug: string, username: string) =>
    request<void>('DELETE', `/api/v1/teams/${enc(slug)}/members/${enc(username)}`),

  tokens: () => request<TokenList>('GET', '/api/v1/tokens'),
  createToken: (body: NewToken) => request<CreatedToken>('POST', '/api/v1/tokens', { body }),
  revokeToken: (id: string) => request<void>('DELETE', `/api/v1/tokens/${enc(id)}`),

  syncStatus: (signal?: AbortSignal) => request<SyncStatus>('GET', '/api/v1/sync/status', { signal }),
  syncNow: () => request<SyncRun>('POST', '/api/v1/sync/run'),
  verify: (repair: boolean) => request<VerifyReport>('POST', '/api/v1/sync/verify', { body: { repair } }),
  audit: (query: AuditQuery, signal?: AbortSignal) =>
    request<AuditPage>('GET', '/api/v1/audit', { query: query as Query, signal }),
};

/** A file of an item, raw, at its current version or a commit. */
export function fileUrl(ref: string, path: string, at?: string | null): string {
  return withQuery(`${itemPath(ref)}/files/${filePath(path)}`, { at: at ?? undefined });
}

export function archiveUrl(ref: string, at?: string | null): string {
  return withQuery(`${itemPath(ref)}/archive`, { at: at ?? undefined });
}

/** What a HEAD of a file tells: its size and how the server serves it. */
export interface FileHead {
  size: number;
  type: string;
}

export async function headFile(url: string, signal?: AbortSignal): Promise<FileHead> {
  const response = await fetch(url, { method: 'HEAD', credentials: 'same-origin', signal });
  if (!response.ok) throw new ApiError(response.status, undefined);
  return {
    size: Number(response.headers.get('content-length') ?? 0),
    type: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
  };
}

/** A text file, or undefined when it is longer than `maxBytes` (its bytes are not read past that). */
export async function fetchText(url: string, maxBytes: number, signal?: AbortSignal): Promise<string | undefined> {
  const response = await fetch(url, { credentials: 'same-origin', signal });
  if (!response.ok) throw new ApiError(response.status, undefined);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > maxBytes) return undefined;
  return new TextDecoder().decode(bytes);
}

/** A readable sentence for any error a request threw. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return error.problem?.detail ?? 'Sign in to see this.';
    return error.problem?.detail ?? error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
