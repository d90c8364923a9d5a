import { createHash } from 'node:crypto';
import { deflateSync, gunzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AtlasDeps } from '../../../application/deps.ts';
import { listMarketplaceSkills, marketplaceView } from '../../../application/marketplaces/list-marketplace-skills.ts';
import type { MarketplaceClient } from '../../../application/marketplaces/marketplace-documents.ts';
import {
  type GitObject,
  loadPluginRepository,
  PLUGIN_REPOSITORY_BRANCH,
  type PluginRepositoryHead,
  pluginRepositoryHead,
  type StoredSkill,
} from '../../../application/marketplaces/plugin-repository.ts';
import { servedMarketplaceFiles } from '../../../application/marketplaces/served-marketplaces.ts';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import {
  advertiseRefs,
  parseUploadPackRequest,
  uploadPackResponse,
  writePack,
} from '../../../lib/git-pack/upload-pack.ts';
import {
  MarketplaceFileParam,
  marketplaceParams,
  PluginObjectParam,
  PluginRepositoryParam,
} from '../schemas/marketplaces.ts';
import { matchesEtag } from '../skill-index-cache.ts';

const UPLOAD_PACK_REQUEST_BYTES = 64 * 1024;

const FILES: Record<string, MarketplaceClient> = {
  'claude-code.json': 'claudeCode',
  'codex.json': 'codex',
  'cursor.json': 'cursor',
};

export interface MarketplaceRoutesOptions {
  deps: AtlasDeps;
  /** Plugin repositories kept loaded (each holds its skills' files); the least recently used go first. */
  maxRepositories?: number;
}

/**
 * Plugin marketplaces for Claude Code, Codex and Cursor, at `/marketplaces/<client>.json` for the catalog and under
 * `/registries/<team>/` for one team, each plugin's source being a git repository Atlas serves over git's "dumb"
 * HTTP protocol at `/marketplaces/git/<namespace>.git` (so stock `git clone` reads it), pinned to its commit.
 * Everything is read as the caller: anonymous under ATLAS_PUBLIC_READ, a bearer token (or, for git, the token as a
 * Basic password) otherwise; every git request lists the caller's own visible skills again, so an object of a
 * skill the caller may not read is never served, whatever its id.
 */
export const marketplaceRoutes: FastifyPluginAsyncTypebox<MarketplaceRoutesOptions> = async (app, options) => {
  const repositories = new RepositoryCache(options.deps, options.maxRepositories ?? 16);
  const builtDocuments = new DocumentCache();
  await app.register(marketplaceScope, { deps: options.deps, repositories, builtDocuments, teamRegistry: false });
  await app.register(marketplaceScope, {
    deps: options.deps,
    repositories,
    builtDocuments,
    teamRegistry: true,
    prefix: '/registries/:team',
  });
};

const marketplaceScope: FastifyPluginAsyncTypebox<{
  deps: AtlasDeps;
  repositories: RepositoryCache;
  builtDocuments: DocumentCache;
  teamRegistry: boolean;
}> = async (app, { deps, repositories, builtDocuments, teamRegistry }) => {
  const tags = ['plugin marketplaces'];
  const teamOf = (request: FastifyRequest) => (teamRegistry ? (request.params as { team: string }).team : undefined);
  const baseOf = (request: FastifyRequest) => {
    const team = teamOf(request);
    return `${request.protocol}://${request.host}${team === undefined ? '' : `/registries/${encodeURIComponent(team)}`}`;
  };

  app.addHook('onSend', async (request, reply) => {
    // Answers depend on who asks: never shared by a cache between callers (objects say how long they keep).
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-cache');
    reply.header('vary', 'authorization');
    // Git asks for credentials on a Basic challenge (and its credential helpers answer one), not on Bearer.
    if (reply.statusCode === 401 && request.url.includes('/marketplaces/git/')) {
      reply.header('www-authenticate', 'Basic realm="atlas"');
    }
  });

  app.get(
    '/marketplaces/:file',
    {
      schema: {
        tags,
        summary:
          'A plugin marketplace file: claude-code.json (.claude-plugin/marketplace.json), codex.json ' +
          '(.agents/plugins/marketplace.json) or cursor.json (.cursor-plugin/marketplace.json), one plugin per namespace',
        params: marketplaceParams(MarketplaceFileParam, teamRegistry),
      },
    },
    async (request, reply) => {
      const client = FILES[request.params.file];
      if (!client) throw new NotFoundError(`no marketplace file ${request.params.file}`);
      const base = baseOf(request);
      const team = teamOf(request)?.toLowerCase();
      const build = async () => {
        const skills = await listMarketplaceSkills(deps, { team }, request.actor);
        return servedMarketplaceFiles(
          skills,
          { name: team === undefined ? 'atlas' : `atlas-${team}`, owner: 'Atlas', origin: base },
          (namespace) => `${base}/marketplaces/git/${namespace}.git`,
        );
      };
      // Built once per view (who reads, their teams, the catalog's revision) and origin, then served from memory.
      const view = await marketplaceView(deps, request.actor);
      const documents = await builtDocuments.get(`${base}|${view}`, build);
      const body = documents[client];
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
      reply.header('etag', etag);
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send();
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  /** The caller's view of one plugin repository; NotFoundError when the caller sees no skill of the namespace. */
  const pluginOf = async (request: FastifyRequest, repository: string) => {
    const namespace = /^([a-z0-9-]{1,64})\.git$/.exec(repository)?.[1];
    if (!namespace) throw new NotFoundError(`no plugin repository ${repository}`);
    const skills = await listMarketplaceSkills(deps, { team: teamOf(request), namespace }, request.actor);
    if (skills.length === 0) throw new NotFoundError(`no plugin repository ${repository}`);
    return { namespace, skills, head: pluginRepositoryHead(namespace, skills) };
  };

  app.get(
    '/marketplaces/git/:repository/info/refs',
    {
      schema: {
        tags,
        summary: "A plugin repository's refs (git's dumb HTTP protocol): its one branch, main",
        params: marketplaceParams(PluginRepositoryParam, teamRegistry),
      },
    },
    async (request, reply) => {
      const { head } = await pluginOf(request, request.params.repository);
      if ((request.query as { service?: string }).service === 'git-upload-pack') {
        return reply
          .type('application/x-git-upload-pack-advertisement')
          .send(advertiseRefs(head.commitSha, PLUGIN_REPOSITORY_BRANCH));
      }
      return reply
        .type('text/plain; charset=utf-8')
        .send(`${head.commitSha}\trefs/heads/${PLUGIN_REPOSITORY_BRANCH}\n`);
    },
  );

  app.addContentTypeParser(
    'application/x-git-upload-pack-request',
    { parseAs: 'buffer', bodyLimit: UPLOAD_PACK_REQUEST_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/marketplaces/git/:repository/git-upload-pack',
    {
      schema: {
        tags,
        summary: "A fetch of a plugin repository (git's smart HTTP protocol, stateless): shallow clones included",
        params: marketplaceParams(PluginRepositoryParam, teamRegistry),
      },
    },
    async (request, reply) => {
      const plugin = await pluginOf(request, request.params.repository);
      let body = request.body as Buffer;
      if (request.headers['content-encoding'] === 'gzip') {
        body = gunzipSync(body, { maxOutputLength: UPLOAD_PACK_REQUEST_BYTES });
      }
      let parsed: ReturnType<typeof parseUploadPackRequest>;
      try {
        parsed = parseUploadPackRequest(body);
      } catch (error) {
        throw new ValidationError({ path: 'body', message: (error as Error).message });
      }
      // The repository is one commit: it is the only thing there is to want.
      const unknown = parsed.wants.find((sha) => sha !== plugin.head.commitSha);
      if (unknown !== undefined) throw new NotFoundError(`no commit ${unknown} in ${request.params.repository}`);
      if (parsed.wants.length === 0) throw new ValidationError({ path: 'body', message: 'a fetch wants a commit' });
      const objects = parsed.done ? await repositories.get(plugin) : new Map<string, GitObject>();
      return reply
        .header('cache-control', 'private, no-cache')
        .type('application/x-git-upload-pack-result')
        .send(uploadPackResponse(parsed, () => writePack(objects.values())));
    },
  );

  app.get(
    '/marketplaces/git/:repository/HEAD',
    {
      schema: {
        tags,
        summary: "A plugin repository's HEAD: refs/heads/main",
        params: marketplaceParams(PluginRepositoryParam, teamRegistry),
      },
    },
    async (request, reply) => {
      await pluginOf(request, request.params.repository);
      return reply.type('text/plain; charset=utf-8').send(`ref: refs/heads/${PLUGIN_REPOSITORY_BRANCH}\n`);
    },
  );

  app.get(
    '/marketplaces/git/:repository/objects/:dir/:file',
    {
      schema: {
        tags,
        summary: 'One loose object of a plugin repository, zlib-deflated as git stores it; no packs',
        params: marketplaceParams(PluginObjectParam, teamRegistry),
      },
    },
    async (request, reply) => {
      const { dir, file, repository } = request.params;
      const plugin = await pluginOf(request, repository);
      if (dir === 'info' && file === 'packs') return reply.type('text/plain; charset=utf-8').send('');
      const sha = `${dir}${file}`;
      if (!/^[0-9a-f]{40}$/.test(sha)) throw new NotFoundError(`no object ${dir}/${file}`);
      const object = plugin.head.own.get(sha) ?? (await repositories.get(plugin)).get(sha);
      if (!object) throw new NotFoundError(`no object ${sha} in ${repository}`);
      return sendObject(reply, object);
    },
  );
};

function sendObject(reply: FastifyReply, object: GitObject) {
  const raw = Buffer.concat([Buffer.from(`${object.type} ${object.body.byteLength}\0`), object.body]);
  // Content-addressed: an object's bytes never change, so the caller may keep them (for itself only).
  return reply
    .header('cache-control', 'private, max-age=31536000, immutable')
    .type('application/x-git-loose-object')
    .send(deflateSync(raw));
}

/**
 * Loaded plugin repositories by commit: a commit names its whole tree, so one load serves every request for it
 * (a clone asks for each object in turn) until the skills change. Loads in flight are shared.
 */
class RepositoryCache {
  readonly #deps: Pick<AtlasDeps, 'content'>;
  readonly #max: number;
  readonly #loaded = new Map<string, Promise<Map<string, GitObject>>>();

  constructor(deps: Pick<AtlasDeps, 'content'>, max: number) {
    this.#deps = deps;
    this.#max = max;
  }

  get(plugin: { head: PluginRepositoryHead; skills: readonly StoredSkill[] }): Promise<Map<string, GitObject>> {
    const key = plugin.head.commitSha;
    const known = this.#loaded.get(key);
    if (known) {
      this.#loaded.delete(key);
      this.#loaded.set(key, known);
      return known;
    }
    const loading = loadPluginRepository(this.#deps.content, plugin.head, plugin.skills);
    this.#loaded.set(key, loading);
    loading.catch(() => {
      if (this.#loaded.get(key) === loading) this.#loaded.delete(key);
    });
    while (this.#loaded.size > this.#max) {
      const oldest = this.#loaded.keys().next().value;
      if (oldest === undefined) break;
      this.#loaded.delete(oldest);
    }
    return loading;
  }
}

/**
 * Marketplace documents by view and origin (see marketplaceView): a request whose view was built before costs the
 * view's few one-row reads instead of a listing of every skill. Builds in flight are shared; the least recently
 * used are forgotten past `max`.
 */
class DocumentCache {
  readonly #built = new Map<string, Promise<Record<MarketplaceClient, string>>>();
  readonly #max = 256;

  get(
    key: string,
    build: () => Promise<Record<MarketplaceClient, string>>,
  ): Promise<Record<MarketplaceClient, string>> {
    const known = this.#built.get(key);
    if (known) {
      this.#built.delete(key);
      this.#built.set(key, known);
      return known;
    }
    const documents = build();
    this.#built.set(key, documents);
    documents.catch(() => {
      if (this.#built.get(key) === documents) this.#built.delete(key);
    });
    while (this.#built.size > this.#max) {
      const oldest = this.#built.keys().next().value;
      if (oldest === undefined) break;
      this.#built.delete(oldest);
    }
    return documents;
  }
}
