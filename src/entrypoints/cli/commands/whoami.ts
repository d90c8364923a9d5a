import type { Me } from '../../http/schemas/accounts.ts';
import { CliError } from '../cli-error.ts';
import { settingsPath } from '../cli-settings.ts';
import type { Command } from '../command.ts';
import { teamsOf } from './login.ts';

export const whoamiCommand: Command = {
  usage: '[options]',
  options: {},
  positionals: { min: 0, max: 0 },
  json: true,
  examples: ['atlas whoami', 'atlas whoami --json'],
  async run(context) {
    const { term } = context;
    const session = await context.session();
    if (!session.token) {
      throw new CliError(`not logged in to ${session.url}`, {
        code: 'not_logged_in',
        hint: 'log in with "atlas login"',
      });
    }
    const me = await (await context.api()).get<Me>('/api/v1/me');
    const teams = teamsOf(me);
    if (term.json) {
      term.writeJson({ url: session.url, user: me.user, teams, tokenFrom: session.tokenFrom });
      return 0;
    }
    const { style } = term;
    term.out(
      `${style.bold(me.user.username)}${me.user.displayName && me.user.displayName !== me.user.username ? ` (${me.user.displayName})` : ''} <${me.user.email}>${me.user.isAdmin ? style.yellow('  site admin') : ''}`,
    );
    term.out(`Server  ${session.url}`);
    term.out(`Teams   ${teams.length > 0 ? teams.map((team) => `${team.slug} (${team.role})`).join(', ') : 'none'}`);
    term.out(
      `Token   ${session.tokenFrom === 'ATLAS_TOKEN' ? 'from ATLAS_TOKEN' : `saved by "atlas login" in ${settingsPath(context.env)}`}`,
    );
    return 0;
  },
};
