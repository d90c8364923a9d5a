import { TOKEN_SCOPES } from '../../../domain/accounts/api-token.ts';
import type { CreatedToken, NewToken, TokenList } from '../../http/schemas/tokens.ts';
import { UsageError } from '../cli-error.ts';
import { type Command, type CommandContext, type CommandInput, orList } from '../command.ts';

const ACTIONS = ['create', 'list', 'revoke'] as const;

export const tokenCommand: Command = {
  usage: 'create <name> [--scope <scope>] [--expires <date>] | list | revoke <id>',
  description:
    'Manages your personal API tokens on the server you are logged in to.\n' +
    '  create   makes a token and prints its secret, once; keep it somewhere safe\n' +
    '  list     shows your tokens (sessions included) with their scopes, never their secrets\n' +
    '  revoke   stops a token at once\n' +
    `Scopes: full (the default) may do everything you may do; registry:read reads the MCP Registry API\n` +
    '(/v0.1, /v0, /registries/...) and nothing else: the token to paste into an editor or tool that reads Atlas\n' +
    'as an MCP registry.',
  options: {
    scope: {
      type: 'string',
      multiple: true,
      value: '<scope>',
      choices: TOKEN_SCOPES,
      description: `With create: what the token may do, ${orList(TOKEN_SCOPES)} (default full)`,
    },
    expires: {
      type: 'string',
      value: '<date>',
      description: 'With create: when the token stops working, an ISO 8601 date within a year (default 90 days)',
    },
  },
  positionals: { min: 1, max: 2 },
  json: true,
  examples: [
    'atlas token create vscode-registry --scope registry:read',
    'atlas token create ci --expires 2027-06-30T00:00:00Z',
    'atlas token list',
    'atlas token revoke 0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b',
  ],
  async run(context, input) {
    const [action, argument] = input.positionals;
    if (!(ACTIONS as readonly string[]).includes(action ?? '')) {
      throw new UsageError(`unknown action "${action}": give ${orList(ACTIONS)}`, 'run "atlas token --help"');
    }
    if (action !== 'create' && (input.list('scope').length > 0 || input.string('expires') !== undefined)) {
      throw new UsageError('--scope and --expires go with "atlas token create"');
    }
    if (action === 'list') {
      if (argument !== undefined) throw new UsageError('"atlas token list" takes no argument');
      return listTokens(context);
    }
    if (argument === undefined) {
      throw new UsageError(action === 'create' ? 'missing the token name' : 'missing the id of the token to revoke');
    }
    return action === 'create' ? createToken(context, input, argument) : revokeToken(context, argument);
  },
};

async function createToken(context: CommandContext, input: CommandInput, name: string): Promise<number> {
  const { term } = context;
  const scopes = input.list('scope');
  const expires = input.string('expires');
  const body: NewToken = {
    name,
    ...(expires === undefined ? {} : { expiresAt: expires }),
    ...(scopes.length === 0 ? {} : { scopes }),
  };
  const api = await context.api();
  const { data } = await api.json<CreatedToken>('POST', '/api/v1/tokens', { json: body });
  if (term.json) {
    term.writeJson({ url: api.url, token: data.token, secret: data.secret });
    return 0;
  }
  const { style } = term;
  term.out(
    `${style.green('✓')} Created ${style.bold(data.token.name)} (${data.token.scopes.join(', ')}), expires ${data.token.expiresAt ?? 'never'}`,
  );
  term.out(data.secret);
  term.out(style.dim('The secret is shown only this once.'));
  if (!data.token.scopes.includes('full')) {
    term.out(style.dim(`It reads ${api.url}/v0.1/servers with "Authorization: Bearer <secret>" and nothing else.`));
  }
  return 0;
}

async function listTokens(context: CommandContext): Promise<number> {
  const { term } = context;
  const api = await context.api();
  const { items } = await api.get<TokenList>('/api/v1/tokens');
  if (term.json) {
    term.writeJson({ url: api.url, tokens: items });
    return 0;
  }
  if (items.length === 0) {
    term.out('No tokens.');
    return 0;
  }
  term.table(
    [
      { header: 'ID', keep: true },
      { header: 'KIND' },
      { header: 'NAME', flex: true, min: 8 },
      { header: 'SCOPES' },
      { header: 'EXPIRES' },
      { header: 'STATE' },
    ],
    items.map((token) => [
      token.id,
      token.kind,
      token.name,
      token.scopes.join(','),
      token.expiresAt?.slice(0, 10) ?? '-',
      token.revokedAt
        ? 'revoked'
        : token.expiresAt && token.expiresAt <= new Date().toISOString()
          ? 'expired'
          : 'active',
    ]),
  );
  return 0;
}

async function revokeToken(context: CommandContext, id: string): Promise<number> {
  const { term } = context;
  const api = await context.api();
  await api.send('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
  if (term.json) term.writeJson({ url: api.url, id, revoked: true });
  else term.out(`${term.style.green('✓')} Revoked ${id}`);
  return 0;
}
