import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onSendHookHandler, preHandlerHookHandler } from 'fastify';
import { createUser } from '../../../application/accounts/create-user.ts';
import { getMe } from '../../../application/accounts/get-me.ts';
import { loginUser } from '../../../application/accounts/login-user.ts';
import { logoutUser } from '../../../application/accounts/logout-user.ts';
import { registerUser } from '../../../application/accounts/register-user.ts';
import { revokeSessions } from '../../../application/accounts/revoke-sessions.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import type { Actor } from '../../../domain/accounts/actor.ts';
import type { UserTeam } from '../../../domain/accounts/team.ts';
import type { User } from '../../../domain/accounts/user.ts';
import {
  csrfTokenFor,
  endBrowserSession,
  requireSameOrigin,
  sessionSecretOf,
  startBrowserSession,
} from '../browser-session.ts';
import { presentTeam, presentUser } from '../presenters.ts';
import {
  LoginSchema,
  MeSchema,
  NewAccountSchema,
  NewUserSchema,
  SignedInSchema,
  UserAnswerSchema,
} from '../schemas/accounts.ts';
import { BrowserSessionSchema } from '../schemas/browser-session.ts';
import { NoContent } from '../schemas/common.ts';
import { withProblems } from '../schemas/problem.ts';

export interface AccountRouteOptions {
  deps: AtlasDeps;
  /** Rate limits for the routes that guess or create credentials, per client address and per account. */
  limitByAddress: preHandlerHookHandler;
  limitByAccount: (keyOf: (body: Record<string, unknown>) => string) => preHandlerHookHandler;
}

const lower = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '');

/** Answers that carry a token or who the caller is: no cache, shared or private, may keep them. */
export const noStore: onSendHookHandler = async (_request, reply, payload) => {
  reply.header('cache-control', 'no-store');
  return payload;
};

/** Accounts: register, log in and out, who am I, and admin-created accounts. */
export const accountRoutes: FastifyPluginAsyncTypebox<AccountRouteOptions> = async (
  app,
  { deps, limitByAddress, limitByAccount },
) => {
  app.post(
    '/auth/register',
    {
      preHandler: [limitByAddress, limitByAccount((body) => lower(body.email))],
      onSend: noStore,
      schema: {
        tags: ['accounts'],
        summary: 'Create an account and sign in (the first account becomes site admin)',
        body: NewAccountSchema,
        response: withProblems({ 201: SignedInSchema }),
      },
    },
    async (request, reply) => {
      const { user, token } = await registerUser(deps, request.body, request.actor);
      return reply.status(201).send({ user: presentUser(user), token });
    },
  );

  app.post(
    '/auth/login',
    {
      // Failures per account (whichever spelling of it was typed) are counted by loginUser itself.
      preHandler: limitByAddress,
      onSend: noStore,
      schema: {
        tags: ['accounts'],
        summary: 'Sign in with email or username and password; returns a session token',
        body: LoginSchema,
        response: withProblems({ 200: SignedInSchema }),
      },
    },
    async (request) => {
      const { user, token } = await loginUser(deps, request.body, request.actor);
      return { user: presentUser(user), token };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Revoke the token this request carries',
        security: [{ bearer: [] }],
        response: withProblems({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await logoutUser(deps, request.actor);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/logout-everywhere',
    {
      schema: {
        tags: ['accounts'],
        summary: "Revoke all of the signed-in user's sessions, this one included (personal API tokens stay)",
        security: [{ bearer: [] }],
        response: withProblems({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await revokeSessions(deps, request.actor);
      return reply.status(204).send(null);
    },
  );

  // Browser sessions (see browser-session.ts): the same sign-in, register and sign-out, with the session token in an
  // HttpOnly cookie instead of the body. Signing in from another site is refused by origin.
  const sameOrigin: preHandlerHookHandler = async (request) => requireSameOrigin(request);
  const browserSession = async (actor: Actor, user: User, csrfToken: string | null) => {
    const { teams } = await getMe(deps, { ...actor, user });
    return { me: presentMe(user, teams), csrfToken };
  };

  app.get(
    '/session',
    {
      onSend: noStore,
      schema: {
        tags: ['accounts'],
        summary: "The browser's session: who is signed in, and the CSRF token its writes send as X-CSRF-Token",
        response: withProblems({ 200: BrowserSessionSchema }),
      },
    },
    async (request, reply) => {
      const secret = request.headers.authorization === undefined ? sessionSecretOf(request) : undefined;
      const { user } = request.actor;
      if (!user) {
        if (secret !== undefined) endBrowserSession(request, reply);
        return { me: null, csrfToken: null };
      }
      return browserSession(request.actor, user, secret === undefined ? null : csrfTokenFor(secret));
    },
  );

  app.post(
    '/session',
    {
      preHandler: [sameOrigin, limitByAddress],
      onSend: noStore,
      schema: {
        tags: ['accounts'],
        summary: 'Sign in from a browser: sets the HttpOnly session cookie',
        body: LoginSchema,
        response: withProblems({ 200: BrowserSessionSchema }),
      },
    },
    async (request, reply) => {
      const { user, token } = await loginUser(deps, request.body, request.actor);
      const csrf = startBrowserSession(request, reply, token, deps.accounts.sessionTtlMs);
      return browserSession(request.actor, user, csrf);
    },
  );

  app.post(
    '/session/register',
    {
      preHandler: [sameOrigin, limitByAddress, limitByAccount((body) => lower(body.email))],
      onSend: noStore,
      schema: {
        tags: ['accounts'],
        summary: 'Create an account from a browser and sign in with the HttpOnly session cookie',
        body: NewAccountSchema,
        response: withProblems({ 201: BrowserSessionSchema }),
      },
    },
    async (request, reply) => {
      const { user, token } = await registerUser(deps, request.body, request.actor);
      const csrf = startBrowserSession(request, reply, token, deps.accounts.sessionTtlMs);
      return reply.status(201).send(await browserSession(request.actor, user, csrf));
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign out of the browser session: revokes its token and drops the cookie',
        response: withProblems({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      endBrowserSession(request, reply);
      if (request.actor.user) await logoutUser(deps, request.actor);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      onSend: noStore,
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in user, with their teams and roles',
        security: [{ bearer: [] }],
        response: withProblems({ 200: MeSchema }),
      },
    },
    async (request) => {
      const { user, teams } = await getMe(deps, request.actor);
      return presentMe(user, teams);
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account (administrators; how accounts are made when registration is closed)',
        security: [{ bearer: [] }],
        body: NewUserSchema,
        response: withProblems({ 201: UserAnswerSchema }),
      },
    },
    async (request, reply) => {
      const user = await createUser(deps, request.body, request.actor);
      return reply.status(201).send({ user: presentUser(user) });
    },
  );
};

function presentMe(user: User, teams: readonly UserTeam[]) {
  return { user: presentUser(user), teams: teams.map((t) => ({ team: presentTeam(t.team), role: t.role })) };
}
