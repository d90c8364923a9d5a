import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { CliError, UsageError } from './cli-error.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_URL = 'http://localhost:8080';

/** What `atlas login` keeps: the server in use, and a token per server (a token only ever goes to its own server). */
export interface StoredSettings {
  current?: string;
  servers: Record<string, { token?: string; username?: string }>;
}

/** The server the command line talks to and how it signs in. */
export interface Session {
  readonly url: string;
  readonly token: string | undefined;
  /** Known when the token came from `atlas login`; otherwise ask GET /api/v1/me. */
  readonly username: string | undefined;
  readonly urlFrom: 'flag' | 'ATLAS_URL' | 'login' | 'default';
  readonly tokenFrom: 'ATLAS_TOKEN' | 'login' | 'none';
}

/**
 * The command line's own environment variables, read here once: ATLAS_URL and ATLAS_TOKEN (the server's
 * variables are read by src/config.ts). XDG_CONFIG_HOME, HOME and APPDATA place the settings file.
 */
export function cliEnvironment(env: Env): { url?: string; token?: string } {
  return { url: env.ATLAS_URL?.trim() || undefined, token: env.ATLAS_TOKEN?.trim() || undefined };
}

export function homeOf(env: Env): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** `$XDG_CONFIG_HOME/atlas/config.json`, else `~/.config/atlas/config.json` (`%APPDATA%\atlas` on Windows). */
export function settingsPath(env: Env, platform: NodeJS.Platform = process.platform): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'atlas', 'config.json');
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'atlas', 'config.json');
  return join(homeOf(env), '.config', 'atlas', 'config.json');
}

/** An http(s) URL without a trailing slash; anything else is a usage error. */
export function normalizeUrl(text: string, where = '--url'): string {
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    throw new UsageError(`${where} is not a URL: "${text}"`, 'give the server address, e.g. http://localhost:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${where} must be an http or https URL (got "${text}")`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export async function loadSettings(env: Env): Promise<StoredSettings> {
  const path = settingsPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {} };
    throw error;
  }
  try {
    const data = JSON.parse(text) as Partial<StoredSettings>;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not an object');
    const servers = typeof data.servers === 'object' && data.servers !== null ? data.servers : {};
    return { ...(typeof data.current === 'string' ? { current: data.current } : {}), servers };
  } catch {
    throw new CliError(`the settings file ${path} is not valid JSON`, {
      code: 'bad_settings',
      hint: `delete it and run "atlas login" again`,
    });
  }
}

/** Writes the settings readable by their owner only: folder 0700, file 0600, replaced atomically. */
export async function saveSettings(env: Env, settings: StoredSettings): Promise<string> {
  const path = settingsPath(env);
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone; the token must not be readable by others either way.
  await chmod(folder, 0o700);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return path;
}

/**
 * Which server and token a command uses. The URL: `--url`, else ATLAS_URL, else the last login, else
 * http://localhost:8080. The token: ATLAS_TOKEN, else the one saved for that exact URL.
 */
export function resolveSession(env: Env, settings: StoredSettings, flagUrl?: string): Session {
  const vars = cliEnvironment(env);
  const [url, urlFrom]: [string, Session['urlFrom']] = flagUrl
    ? [normalizeUrl(flagUrl), 'flag']
    : vars.url
      ? [normalizeUrl(vars.url, 'ATLAS_URL'), 'ATLAS_URL']
      : settings.current
        ? [settings.current, 'login']
        : [DEFAULT_URL, 'default'];
  const saved = settings.servers[url];
  if (vars.token) return { url, token: vars.token, username: undefined, urlFrom, tokenFrom: 'ATLAS_TOKEN' };
  return {
    url,
    token: saved?.token,
    username: saved?.token ? saved.username : undefined,
    urlFrom,
    tokenFrom: saved?.token ? 'login' : 'none',
  };
}
