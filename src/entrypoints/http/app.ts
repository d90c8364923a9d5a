import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest, type FastifyServerOptions, type preHandlerHookHandler } from 'fastify';
import type { AtlasDeps } from '../../application/deps.ts';
import { RateLimitedError } from '../../domain/errors.ts';
import type { HostCheck } from '../mcp/host-check.ts';
import { mcpHostGuard, mcpRoutes } from '../mcp/mcp-routes.ts';
import { registryRoutes } from '../registry/registry-routes.ts';
import { registerAuthentication } from './authentication.ts';
import { handleError, sendProblem } from './error-handler.ts';
import { registerMetrics } from './metrics.ts';
import { accountRoutes } from './routes/accounts.ts';
import { auditRoutes } from './routes/audit.ts';
import { exportRoutes } from './routes/exports.ts';
import { healthRoutes } from './routes/health.ts';
import { itemRoutes } from './routes/items.ts';
import { marketplaceRoutes } from './routes/marketplaces.ts';
import { skillDiscoveryRoutes } from './routes/skill-discovery.ts';
import { syncRoutes } from './routes/sync.ts';
import { teamRoutes } from './routes/teams.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { SHARED_SCHEMAS } from './schemas/index.ts';
import { lazySerializers } from './serializer.ts';
import { validatorCompiler } from './validator.ts';
import { defaultWebRoot, registerWebUi } from './web-ui.ts';

export interface AppOptions {
  /** Largest request body in bytes on publish and update, the routes that take uploads. */
  readonly maxBodyBytes?: number;
  /** Largest request body in bytes on every other route. */
  readonly maxRequestBytes?: number;
  /** Publishes and updates worked on at once (ATLAS_PUBLISH_CONCURRENCY); more wait their turn. */
  readonly publishConcurrency?: number;
  /** Node process metrics (memory, event loop) on /metrics; off in tests that build many apps. */
  readonly processMetrics?: boolean;
  readonly fastify?: FastifyServerOptions;
  /** Origins allowed to call the API from a browser; CORS is off when empty. */
  readonly corsOrigins?: readonly string[];
  /** Attempts per minute at the credential routes, per address (login, register, token creation) and per account (register, token creation; loginUser counts failed logins itself). */
  readonly rateLimits?: { readonly perAddress: number; readonly perAccount: number };
  /** Proxies whose X-Forwarded-For gives the client address (ATLAS_TRUST_PROXY); none by default. */
  readonly trustProxy?: false | number | readonly string[];
  /** Host names the MCP endpoint answers besides localhost's (ATLAS_ALLOWED_HOSTS); null turns the check off. */
  readonly allowedHosts?: readonly string[] | null;
  /**
   * Compile every route's request validators and response serialisers when the route is added, not on its first
   * use (a server answers few of its routes, and each compiled schema stays in memory): a test of every schema.
   */
  readonly eagerSchemas?: boolean;
  /** The built web UI (dist/web by default); null serves none. */
  readonly webRoot?: string | null;
}

const DEFAULT_RATE_LIMITS = { perAddress: 30, perAccount: 10 };

/** Builds the HTTP app with every route; never listens (see server.ts). */
export async function buildApp(deps: AtlasDeps, options: AppOptions = {}) {
  const app = Fastify({
    bodyLimit: options.maxRequestBytes ?? 1024 * 1024,
    trustProxy: trustProxyOption(options.trustProxy),
    schemaController: { compilersFactory: { buildSerializer: lazySerializers({ eager: options.eagerSchemas }) } },
    ...options.fastify,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Before any route is registered, so every route inherits them.
  app.setValidatorCompiler(validatorCompiler({ eager: options.eagerSchemas }));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  // HSTS and upgrade-insecure-requests belong to the TLS-terminating proxy in front of Atlas: on
  // plain http (a laptop) they would break the docs page. Everything else is helmet's default.
  await app.register(helmet, {
    global: true,
    hsts: false,
    contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: null } },
  });
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    await app.register(cors, { origin: [...options.corsOrigins], credentials: false });
  }
  await app.register(rateLimit, { global: false });
  const limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  // Each limiter is checked on its own: a request counts against its address and its account both.
  const limiter = (max: number, keyOf: (request: FastifyRequest) => string): preHandlerHookHandler => {
    const check = app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: keyOf });
    return async (request) => {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        throw new RateLimitedError(
          `too many attempts; try again in ${result.ttlInSeconds} s`,
          new Date(Date.now() + result.ttl),
        );
      }
    };
  };
  const limitByAddress = limiter(limits.perAddress, (r) => `ip:${r.ip}`);
  const limitByAccount = (keyOf: (body: Record<string, unknown>) => string) =>
    limiter(limits.perAccount, (r) => `account:${keyOf((r.body ?? {}) as Record<string, unknown>)}`);
  const limitByUser = limiter(limits.perAccount, (r) => `user:${r.actor?.user?.id ?? r.ip}`);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atlas',
        version: '0.1.0',
        description: 'The catalog of skills, MCP servers and tools for AI agents.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A session or API token.' } },
      },
    },
  });
  // The docs page loads only its own scripts and styles, so helmet's CSP above covers it as it is.
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const hostCheck: HostCheck = {
    hosts: options.allowedHosts === undefined ? [] : options.allowedHosts,
    origins: options.corsOrigins ?? [],
  };
  app.addHook('onRequest', mcpHostGuard(hostCheck));
  await registerAuthentication(app, deps);

  const registry = registerMetrics(app, { processMetrics: options.processMetrics ?? false });
  await app.register(healthRoutes, { deps, registry });
  await app.register(accountRoutes, { prefix: '/api/v1', deps, limitByAddress, limitByAccount });
  await app.register(tokenRoutes, { prefix: '/api/v1/tokens', deps, limitByAddress, limitByUser });
  await app.register(teamRoutes, { prefix: '/api/v1/teams', deps });
  await app.register(auditRoutes, { prefix: '/api/v1/audit', deps });
  await app.register(webhookRoutes, { prefix: '/api/v1/webhooks', deps });
  await app.register(syncRoutes, { prefix: '/api/v1/sync', deps });
  await app.register(exportRoutes, { prefix: '/api/v1/exports', deps });
  await app.register(itemRoutes, {
    prefix: '/api/v1/items',
    deps,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    publishConcurrency: options.publishConcurrency ?? 16,
  });
  await app.register(mcpRoutes, { deps });
  await app.register(skillDiscoveryRoutes, { deps });
  await app.register(marketplaceRoutes, { deps });
  await app.register(registryRoutes, { deps });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerWebUi(app, options.webRoot === null ? undefined : (options.webRoot ?? defaultWebRoot()));
  return app;
}

/** Fastify's form of ATLAS_TRUST_PROXY: a hop count is "the nearest N addresses", as proxy-addr counts them. */
function trustProxyOption(
  trust: AppOptions['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust ? [...trust] : false;
}

export type AtlasApp = Awaited<ReturnType<typeof buildApp>>;
