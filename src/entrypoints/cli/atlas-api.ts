import type { Problem } from '../../domain/errors.ts';
import type { ProblemDocument } from '../http/schemas/problem.ts';
import { CliError } from './cli-error.ts';
import type { Session } from './cli-settings.ts';

/** The server answered with an error: its status, its stable `code`, its `detail` and every problem it listed. */
export class ApiError extends CliError {
  override readonly name: string = 'ApiError';

  constructor(
    readonly status: number,
    readonly serverCode: string,
    readonly detail: string,
    message: string,
    options: { hint?: string; problems?: readonly Problem[] } = {},
  ) {
    super(message, { code: serverCode, ...options });
  }
}

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Hints for statuses this call expects, e.g. 404: `find the reference with "atlas search"`. */
  hints?: Partial<Record<number, string>>;
}

const TIMEOUT_MS = 120_000;
/** The most a JSON answer may hold: a page of items is a few hundred KB. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;
/** The most a download (an item's archive, one file) may hold, whatever the server says its limits are. */
export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and ::1: addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '::1';
}

/**
 * Refuses plain http to a host other than this machine: a token, and what gets installed, would cross the network
 * readable and changeable by anyone on the way. `insecure` (--insecure) allows it.
 */
export function checkTransport(url: string, insecure: boolean): void {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || insecure || isLoopbackHost(parsed.hostname)) return;
  throw new CliError(
    `refusing plain http to ${parsed.host}: anyone on the network could read the token and change what is installed`,
    {
      code: 'insecure',
      hint: `use https://${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}, or add --insecure if you accept the risk`,
    },
  );
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** The Atlas HTTP API, as the command line uses it. Every failure is a CliError that names the cause and the fix. */
export class AtlasApi {
  constructor(
    readonly session: Pick<Session, 'url' | 'token' | 'tokenFrom'>,
    private readonly options: { insecure?: boolean; fetchImpl?: typeof fetch } = {},
  ) {}

  get url(): string {
    return this.session.url;
  }

  /** Requests JSON; throws ApiError for any error status. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ data: T; response: Response }> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return { data: undefined as T, response };
    const type = response.headers.get('content-type') ?? '';
    const text = new TextDecoder().decode(await this.body(response, MAX_JSON_BYTES));
    if (!type.includes('json')) throw this.notAtlas(response, type);
    try {
      return { data: JSON.parse(text) as T, response };
    } catch {
      throw this.notAtlas(response, type);
    }
  }

  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.json<T>('GET', path, options)).data;
  }

  /** Downloads bytes (an archive, a file), at most MAX_DOWNLOAD_BYTES. */
  async bytes(path: string, options: RequestOptions = {}): Promise<{ bytes: Uint8Array; response: Response }> {
    const response = await this.send('GET', path, options);
    return { bytes: await this.body(response, MAX_DOWNLOAD_BYTES), response };
  }

  /** Reads a body, stopping with an error as soon as it passes `limit` bytes (a declared length is checked first). */
  private async body(response: Response, limit: number): Promise<Uint8Array> {
    const tooLarge = () =>
      new CliError(`${this.url} sent more than ${Math.round(limit / (1024 * 1024))} MB; refusing it`, {
        code: 'too_large',
      });
    if (Number(response.headers.get('content-length') ?? 0) > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!response.body) return new Uint8Array();
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    const out = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  /** Sends a request; an error status becomes an ApiError with the server's detail and problems. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    checkTransport(this.url, this.options.insecure === true);
    const url = new URL(`${this.url}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.session.token) headers.authorization = `Bearer ${this.session.token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await (this.options.fetchImpl ?? fetch)(url, {
        method,
        headers,
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    if (response.status >= 400) throw await this.failure(response, options.hints ?? {});
    return response;
  }

  private unreachable(error: unknown): CliError {
    const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code;
    const name = (error as Error).name;
    const reason =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : (UNREACHABLE[code ?? ''] ?? code ?? cause?.message ?? (error as Error).message);
    return new CliError(`cannot reach Atlas at ${this.url} (${reason})`, {
      code: 'unreachable',
      hint: `start the server with "npm start" in the Atlas folder, or point the command line at a running one with "atlas login --url <url>" (or ATLAS_URL)`,
    });
  }

  private notAtlas(response: Response, type: string): CliError {
    return new CliError(
      `${this.url} did not answer like an Atlas server (HTTP ${response.status}, ${type || 'no content type'})`,
      { code: 'not_atlas', hint: 'check the URL: run "atlas login --url <url>" or set ATLAS_URL' },
    );
  }

  private async failure(response: Response, hints: Partial<Record<number, string>>): Promise<ApiError> {
    const text = await this.body(response, 1024 * 1024)
      .then((bytes) => new TextDecoder().decode(bytes))
      .catch(() => '');
    let body: Partial<ProblemDocument> = {};
    try {
      const parsed = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) body = parsed;
    } catch {
      // Not a problem document: a proxy's error page, or not Atlas at all.
    }
    const status = response.status;
    const detail = body.detail ?? (text.trim().slice(0, 200) || response.statusText || `HTTP ${status}`);
    const code = body.code ?? (status >= 500 ? 'server_error' : `http_${status}`);
    const problems = Array.isArray(body.problems) ? body.problems : [];
    const make = (message: string, hint?: string) =>
      new ApiError(status, code, detail, message, { hint: hints[status] ?? hint, problems });
    if (status === 401) {
      if (this.session.tokenFrom === 'ATLAS_TOKEN') {
        return make(
          `${this.url} refused the token in ATLAS_TOKEN (${detail})`,
          'set a valid token, or unset ATLAS_TOKEN and run "atlas login"',
        );
      }
      return this.session.token
        ? make(`${this.url} refused the saved token (${detail})`, 'log in again with "atlas login"')
        : make(`not logged in to ${this.url} (${detail})`, 'log in with "atlas login"');
    }
    if (status === 403) return make(`forbidden: ${detail}`);
    if (status === 429) {
      const after = response.headers.get('retry-after');
      return make(`too many requests: ${detail}`, after ? `try again in ${after} s` : 'try again in a minute');
    }
    if (status >= 500) {
      return make(
        `Atlas at ${this.url} failed (HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}): ${detail}`,
        'this is a problem on the server, not with your input: try again, and if it persists look at the server log',
      );
    }
    return make(detail);
  }
}
