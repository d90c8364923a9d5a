import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ITEM_KINDS } from '../../domain/catalog/item-kind.ts';

/**
 * The web UI's own policy, stricter than the app-wide one: nothing but Atlas's own scripts, styles, fonts and
 * API, no inline script or style, no plugins, no framing, no `<base>`. Images may also come over https, the only
 * widening: a SKILL.md or README may show one (the Markdown sanitiser drops every other scheme, data: included).
 */
export const WEB_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' https:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Every path the UI's router answers: each is sent the app shell, which then shows the page. */
export const WEB_UI_ROUTES = [
  '/',
  '/publish',
  '/account',
  '/admin',
  '/teams',
  '/teams/*',
  ...ITEM_KINDS.map((kind) => `/${kind}/*`),
];

/** dist/web: beside the compiled entrypoints in dist/, or the built one when running from src/ (tests). */
export function defaultWebRoot(): string | undefined {
  const candidates = [new URL('../../web/', import.meta.url), new URL('../../../dist/web/', import.meta.url)];
  for (const candidate of candidates) {
    const folder = fileURLToPath(candidate);
    if (existsSync(join(folder, 'index.html'))) return folder;
  }
  return undefined;
}

/**
 * Serves the built web UI from `root` (`npm run build` writes it to dist/web): content-hashed assets under
 * /assets/ cached for a year as immutable (precompressed when the build wrote .br/.gz), and the app shell,
 * never cached without revalidation, for every client-side route. API routes are left as they are. Without a
 * built UI it registers nothing and answers false.
 */
export async function registerWebUi(app: FastifyInstance, root: string | undefined): Promise<boolean> {
  if (root === undefined || !existsSync(join(root, 'index.html'))) return false;
  const shell = readFileSync(join(root, 'index.html'));
  const assets = join(root, 'assets');
  if (existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      dotfiles: 'deny',
      preCompressed: true,
      cacheControl: true,
      immutable: true,
      maxAge: 365 * 24 * 3600 * 1000,
      etag: false,
      lastModified: false,
      schemaHide: true,
    });
  }
  const sendShell = (reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', WEB_UI_CSP)
      .send(shell);
  for (const url of WEB_UI_ROUTES)
    app.get(url, { schema: { hide: true } }, async (_request, reply) => sendShell(reply));

  const icon = join(root, 'favicon.svg');
  if (existsSync(icon)) {
    const bytes = readFileSync(icon);
    app.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(bytes),
    );
  }
  return true;
}
