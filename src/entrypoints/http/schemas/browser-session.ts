import { type Static, Type } from 'typebox';
import { MeSchema } from './accounts.ts';

/**
 * `GET|POST /session`: who the browser is signed in as, and the token its writes echo in `X-CSRF-Token`. The session
 * secret itself travels only in an HttpOnly cookie, never in a body a script can read.
 */
export const BrowserSessionSchema = Type.Object({
  me: Type.Union([MeSchema, Type.Null()], { description: 'Null when nobody is signed in.' }),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'Send it as `X-CSRF-Token` with every write made with the session cookie; null without one.',
  }),
});
export type BrowserSession = Static<typeof BrowserSessionSchema>;
