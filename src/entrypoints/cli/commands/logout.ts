import { AtlasApi } from '../atlas-api.ts';
import { CliError } from '../cli-error.ts';
import { cliEnvironment, loadSettings, resolveSession, saveSettings } from '../cli-settings.ts';
import type { Command } from '../command.ts';

export const logoutCommand: Command = {
  usage: '[options]',
  description: 'Revokes the token "atlas login" saved for the current server and removes it from the settings file.',
  options: {},
  positionals: { min: 0, max: 0 },
  json: true,
  examples: ['atlas logout', 'ATLAS_URL=https://atlas.example.com atlas logout'],
  async run({ term, env, insecure }) {
    const settings = await loadSettings(env);
    const session = resolveSession(env, settings);
    const saved = settings.servers[session.url]?.token;
    const fromEnvironment = cliEnvironment(env).token !== undefined;
    if (!saved) {
      if (term.json) term.writeJson({ url: session.url, loggedOut: false, revoked: false });
      else term.out(`Not logged in to ${session.url}; nothing to do.`);
      if (fromEnvironment) term.warn('ATLAS_TOKEN is set in the environment; unset it to stop using that token');
      return 0;
    }
    let revoked = true;
    try {
      await new AtlasApi({ url: session.url, token: saved, tokenFrom: 'login' }, { insecure }).send(
        'POST',
        '/api/v1/auth/logout',
      );
    } catch (error) {
      revoked = false;
      // A token the server no longer accepts is as good as revoked; an unreachable server keeps it valid.
      const reason = error instanceof CliError ? error.message : String(error);
      term.warn(`could not revoke the token on the server (${reason}); it was removed here only`);
    }
    const { token: _dropped, ...rest } = settings.servers[session.url] ?? {};
    settings.servers[session.url] = rest;
    await saveSettings(env, settings);
    if (term.json) term.writeJson({ url: session.url, loggedOut: true, revoked });
    else term.out(`Logged out of ${session.url}.`);
    if (fromEnvironment) term.warn('ATLAS_TOKEN is still set in the environment; unset it to stop using that token');
    return 0;
  },
};
