import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  findIndexedSkills,
  readIndexedSkill,
  readIndexedSkillFile,
  resolveSkillIndex,
  searchIndexedSkills,
  sha256Digest,
} from '../../../application/catalog/skill-index.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { contentTypeOf, ITEM_FILE_HEADERS } from '../content-types.ts';
import { withProblems } from '../schemas/problem.ts';
import {
  AgentSkillsIndexSchema,
  ArtifactParam,
  discoveryParams,
  SkillFileParam,
  SkillNameParam,
  SkillSearchAnswerSchema,
  type SkillSearchHit,
  SkillSearchQuerySchema,
  WellKnownSkillsIndexSchema,
} from '../schemas/skill-discovery.ts';
import { type CachedDocument, matchesEtag, SKILL_PACKER, SkillIndexCache } from '../skill-index-cache.ts';

/** Whether the request's Accept-Encoding takes gzip (and does not refuse it with q=0). */
function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

const DISCOVERY_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'etag',
  // Anyone may fetch these from any origin: the default same-origin policy would stop a browser-based client.
  'cross-origin-resource-policy': 'cross-origin',
  // Always revalidated: the ETag makes that a 304 until the catalog changes.
  'cache-control': 'public, no-cache',
} as const;

/**
 * Skill discovery for the clients people already use: the Agent Skills discovery index (0.2.0) and its
 * artifacts, the earlier `/.well-known/skills/` index and files, and the search `skills find` calls. Anonymous
 * and read-only: every answer lists only what an anonymous reader may see, at the root for the whole catalog and
 * under `/registries/<team>/` for one team's skills.
 */
export const skillDiscoveryRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  const cache = new SkillIndexCache(deps);
  await app.register(discoveryScope, { deps, cache, teamRegistry: false });
  await app.register(discoveryScope, { deps, cache, teamRegistry: true, prefix: '/registries/:team' });
};

const discoveryScope: FastifyPluginAsyncTypebox<{
  deps: AtlasDeps;
  cache: SkillIndexCache;
  teamRegistry: boolean;
}> = async (app, { deps, cache, teamRegistry }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(DISCOVERY_HEADERS);
  });
  const teamOf = (request: FastifyRequest) => (teamRegistry ? (request.params as { team: string }).team : undefined);
  const indexOf = (request: FastifyRequest) => cache.get({ team: teamOf(request) });
  const tags = ['skill discovery'];
  const params = discoveryParams({}, teamRegistry);

  const sendDocument = (request: FastifyRequest, reply: FastifyReply, document: CachedDocument) => {
    const gzip = acceptsGzip(request);
    const { body, etag, length } = document.representation(gzip ? 'gzip' : 'identity');
    reply.header('etag', etag).header('vary', 'accept-encoding');
    if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send();
    if (gzip) reply.header('content-encoding', 'gzip');
    reply.type('application/json; charset=utf-8').header('content-length', length);
    // A HEAD answers with the length of what a GET would send: Fastify keeps a length set for a stream (an empty
    // one here, so that nothing is decompressed for it), where it would count the bytes of any other body.
    return reply.send(request.method === 'HEAD' ? Readable.from([]) : body());
  };
  // A skill's own answers need the scope, not the built documents: its name is looked up when asked.
  const scopeOf = (request: FastifyRequest) => resolveSkillIndex(deps, { team: teamOf(request) });
  const listed = async (request: FastifyRequest, name: string) => cache.skill(await scopeOf(request), name);

  app.get(
    '/.well-known/agent-skills/index.json',
    {
      schema: {
        tags,
        summary: 'Agent Skills discovery index (0.2.0): every skill anonymous readers may see, with digests',
        params,
        response: withProblems({ 200: AgentSkillsIndexSchema }),
      },
    },
    async (request, reply) => sendDocument(request, reply, (await indexOf(request)).agentSkills),
  );

  app.get(
    '/.well-known/agent-skills/:artifact',
    {
      schema: {
        tags,
        summary: "A skill's archive, `<name>.zip`: its files at the root; the index carries its digest",
        params: discoveryParams(ArtifactParam, teamRegistry),
        produces: ['application/zip'],
      },
    },
    async (request, reply) => {
      const { artifact } = request.params;
      if (!artifact.endsWith('.zip')) throw new NotFoundError(`no artifact ${artifact}`);
      const skill = await listed(request, artifact.slice(0, -'.zip'.length));
      const etag = `"${skill.artifact.digest.slice('sha256:'.length)}"`;
      reply.header('etag', etag).headers(ITEM_FILE_HEADERS);
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send();
      const { bytes } = SKILL_PACKER.pack(await readIndexedSkill(deps, skill));
      // The index and this answer were made from the same tree; a different digest would be a broken promise.
      if (skill.artifact.type === 'archive' && sha256Digest(bytes) !== skill.artifact.digest) {
        request.log.error({ skill: `${skill.namespace}/${skill.name}` }, 'skill archive differs from its digest');
      }
      return reply.type('application/zip').send(Buffer.from(bytes));
    },
  );

  app.get(
    '/.well-known/agent-skills/:name/SKILL.md',
    {
      schema: {
        tags,
        summary: "A skill's SKILL.md, the artifact of a `skill-md` entry",
        params: discoveryParams(SkillNameParam, teamRegistry),
        produces: ['text/markdown'],
      },
    },
    async (request, reply) => {
      const skill = await listed(request, request.params.name);
      const bytes = await readIndexedSkillFile(deps, skill, 'SKILL.md');
      const etag = `"${sha256Digest(bytes).slice('sha256:'.length)}"`;
      reply.header('etag', etag).headers(ITEM_FILE_HEADERS);
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send();
      return reply.type('text/markdown; charset=utf-8').send(Buffer.from(bytes));
    },
  );

  app.get(
    '/.well-known/skills/index.json',
    {
      schema: {
        tags,
        summary: 'The earlier skills index (`npx skills add <url>`): names, descriptions and file lists',
        params,
        response: withProblems({ 200: WellKnownSkillsIndexSchema }),
      },
    },
    async (request, reply) => sendDocument(request, reply, (await indexOf(request)).wellKnown),
  );

  app.get(
    '/.well-known/skills/:name/*',
    {
      schema: {
        tags,
        summary: 'One file of a skill the earlier index lists, raw',
        params: discoveryParams(SkillFileParam, teamRegistry),
      },
    },
    async (request, reply) => {
      const { name, '*': path } = request.params;
      const skill = await listed(request, name);
      const bytes = await readIndexedSkillFile(deps, skill, path);
      const { type, download } = contentTypeOf(path);
      reply.type(type).headers(ITEM_FILE_HEADERS);
      if (download) {
        const file = encodeURIComponent(path.split('/').at(-1) ?? 'file');
        reply.header('content-disposition', `attachment; filename="${file}"`);
      }
      return reply.send(Buffer.from(bytes));
    },
  );

  app.get(
    '/api/search',
    {
      schema: {
        tags,
        summary: 'Search skills as `skills find` does (SKILLS_API_URL): id, name, installs and the source to add',
        params,
        querystring: SkillSearchQuerySchema,
        response: withProblems({ 200: SkillSearchAnswerSchema }),
      },
    },
    async (request) => {
      // The scope first: it resolves the team and answers 404 as the indexes do.
      const index = await scopeOf(request);
      const hits = await searchIndexedSkills(deps, index, {
        q: request.query.q,
        namespace: request.query.owner?.toLowerCase(),
        limit: request.query.limit ?? 10,
      });
      const origin = `${request.protocol}://${request.host}`;
      const holders = await findIndexedSkills(
        deps,
        index,
        hits.map((hit) => hit.name),
      );
      const skills: SkillSearchHit[] = [];
      for (const hit of hits) {
        let source: string | undefined;
        if (holders.get(hit.name)?.namespace === hit.namespace) {
          source = index.teamSlug ? `${origin}/registries/${index.teamSlug}` : origin;
        } else if (!index.teamSlug && hit.teamSlug) {
          // Another namespace holds the name at the root: the skill's own team registry lists it.
          const team = await resolveSkillIndex(deps, { team: hit.teamSlug }).catch((error: unknown) => {
            if (error instanceof NotFoundError) return undefined; // the team went away since the search
            throw error;
          });
          const holder = team && (await findIndexedSkills(deps, team, [hit.name])).get(hit.name);
          if (holder?.namespace === hit.namespace) source = `${origin}/registries/${hit.teamSlug}`;
        }
        if (source)
          skills.push({ id: `${hit.namespace}/${hit.name}`, name: hit.name, installs: hit.usageCount, source });
      }
      return { skills };
    },
  );
};
