import { hostname } from 'node:os';
import type { Me } from '../../http/schemas/accounts.ts';
import { ApiError, AtlasApi } from '../atlas-api.ts';
import { CliError, UsageError } from '../cli-error.ts';
import { cliEnvironment, DEFAULT_URL, loadSettings, normalizeUrl, saveSettings } from '../cli-settings.ts';
import type { Command, CommandContext, CommandInput } from '../command.ts';

export const loginCommand: Command = {
  usage: '[--url <url>] [--token <token> | --username <login> [--password-stdin]]',
  description:
    'Without --token, asks for your username (or email) and password (not echoed), signs in, creates a personal API\n' +
    'token named after this computer and keeps it; the password is never stored. The server and token are saved in\n' +
    '$XDG_CONFIG_HOME/atlas/config.json (else ~/.config/atlas/config.json), readable by you only. ATLAS_URL and\n' +
    'ATLAS_TOKEN override them.',
  options: {
    url: {
      type: 'string',
      value: '<url>',
      description: `The server (default: ATLAS_URL, the last login, or ${DEFAULT_URL})`,
    },
    token: { type: 'string', value: '<token>', description: 'Use this API token instead of a password' },
    username: {
      type: 'string',
      short: 'u',
      value: '<login>',
      description: 'Your username or email (asked for when absent)',
    },
    'password-stdin': { type: 'boolean', description: 'Read the password from standard input (for scripts)' },
  },
  positionals: { min: 0, max: 0 },
  json: true,
  examples: [
    'atlas login',
    'atlas login --url https://atlas.example.com',
    'atlas login --token atlas_pat_...',
    'printf "%s" "$PASSWORD" | atlas login --username alice --password-stdin',
  ],
  run: login,
};

async function login(context: CommandContext, input: CommandInput): Promise<number> {
  const { term, env } = context;
  const settings = await loadSettings(env);
  const url = normalizeUrl(input.string('url') ?? cliEnvironment(env).url ?? settings.current ?? DEFAULT_URL);
  const anonymous = new AtlasApi({ url, token: undefined, tokenFrom: 'none' }, { insecure: context.insecure });
  let token = input.string('token');
  if (token === undefined) token = await tokenFromPassword(context, input, anonymous);
  const api = new AtlasApi({ url, token, tokenFrom: 'login' }, { insecure: context.insecure });
  let me: Me;
  try {
    me = await api.get<Me>('/api/v1/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      throw new CliError(`${url} refused the token (${error.detail})`, {
        code: 'unauthenticated',
        hint: 'check the token, or log in with your username and password: atlas login',
      });
    }
    throw error;
  }
  const previous = settings.servers[url]?.token;
  if (previous && previous !== token) {
    // The old token would otherwise stay valid on the server with no one holding it.
    await new AtlasApi({ url, token: previous, tokenFrom: 'login' }, { insecure: context.insecure })
      .send('POST', '/api/v1/auth/logout')
      .catch(() => {});
  }
  settings.current = url;
  settings.servers[url] = { token, username: me.user.username };
  const path = await saveSettings(env, settings);
  if (term.json) {
    term.writeJson({ url, user: me.user, teams: teamsOf(me), settingsPath: path });
    return 0;
  }
  term.out(`Logged in to ${url} as ${term.style.bold(me.user.username)}.`);
  term.note(term.errStyle.dim(`The token is saved in ${path}.`));
  if (cliEnvironment(env).token) {
    term.warn(
      'ATLAS_TOKEN is set in the environment and is used instead of the saved token; unset it to use this login',
    );
  }
  return 0;
}

async function tokenFromPassword(context: CommandContext, input: CommandInput, api: AtlasApi): Promise<string> {
  const { term } = context;
  const fromStdin = input.flag('password-stdin');
  let username = input.string('username');
  if (!fromStdin && !term.stdinIsTerminal) {
    throw new UsageError(
      'cannot ask for a password: standard input is not a terminal',
      'pass --token <token>, or --username <login> --password-stdin with the password on standard input',
    );
  }
  if (username === undefined) {
    if (fromStdin) throw new UsageError('--password-stdin needs --username');
    term.note(`Logging in to ${api.url}`);
    username = (await term.prompt('Username or email: ')).trim();
  }
  const password = fromStdin ? await term.readStdinLine() : await term.prompt('Password: ', { hidden: true });
  if (!username || !password) throw new UsageError('a username and a password are needed');
  let session: string;
  try {
    const { data } = await api.json<{ token: string }>('POST', '/api/v1/auth/login', {
      json: { login: username, password },
    });
    session = data.token;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      throw new CliError(`${api.url} refused the login: ${error.detail}`, {
        code: 'unauthenticated',
        hint: 'check the username and password; if you have no account yet, register on the server first',
      });
    }
    throw error;
  }
  const withSession = new AtlasApi({ url: api.url, token: session, tokenFrom: 'login' });
  const { data } = await withSession.json<{ secret: string }>('POST', '/api/v1/tokens', {
    json: { name: `atlas command line on ${hostname()}`.slice(0, 100) },
  });
  // The short-lived session was only needed to create the token.
  await withSession.send('POST', '/api/v1/auth/logout').catch(() => {});
  return data.secret;
}

export function teamsOf(me: Me) {
  return me.teams.map((membership) => ({
    slug: membership.team.slug,
    name: membership.team.name,
    role: membership.role,
  }));
}
