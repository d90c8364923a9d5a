import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { authorizePublish, authorizeUpdate } from '../../../application/catalog/authorize-upload.ts';
import { deleteItem } from '../../../application/catalog/delete-item.ts';
import { getInstallInstructions, installLocation } from '../../../application/catalog/get-install-instructions.ts';
import { getItem } from '../../../application/catalog/get-item.ts';
import { installItem } from '../../../application/catalog/install-item.ts';
import { requireUser } from '../../../application/catalog/item-access.ts';
import { getItemVersion, listItemVersions } from '../../../application/catalog/list-item-versions.ts';
import { patchItem } from '../../../application/catalog/patch-item.ts';
import { previewPublish } from '../../../application/catalog/preview-publish.ts';
import { publishItem } from '../../../application/catalog/publish-item.ts';
import { readItemFile, readItemFiles } from '../../../application/catalog/read-item-file.ts';
import { searchItems } from '../../../application/catalog/search-items.ts';
import { updateItem } from '../../../application/catalog/update-item.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import { formatItemRef, toItemRef } from '../../../domain/catalog/item-ref.ts';
import type { ItemFile } from '../../../domain/content/content-store.ts';
import { blobId } from '../../../domain/content/tree-id.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { PriorityGate } from '../../../lib/priority-gate.ts';
import { readZipBundle } from '../../../lib/zip/zip-reader.ts';
import { writeZipBundle } from '../../../lib/zip/zip-writer.ts';
import { decodeBundleFiles } from '../bundle-files.ts';
import { contentTypeOf, ITEM_FILE_HEADERS } from '../content-types.ts';
import {
  etagOf,
  parseIfMatch,
  presentInstall,
  presentItem,
  presentItemAtVersion,
  presentItemDetails,
  presentPublished,
  presentVersion,
} from '../presenters-items.ts';
import { NoContent, PageQuerySchema } from '../schemas/common.ts';
import {
  AtCommitQuerySchema,
  DeleteBodySchema,
  type FileInput,
  IfMatchHeadersSchema,
  InstallAnswerSchema,
  InstallBodySchema,
  type InstallConfig,
  InstallConfigQuerySchema,
  InstallConfigSchema,
  ItemAnswerSchema,
  ItemAtVersionSchema,
  ItemDetailsSchema,
  ItemFileParamsSchema,
  ItemPageSchema,
  type ItemParams,
  ItemParamsSchema,
  ItemVersionPageSchema,
  ItemVersionParamsSchema,
  PatchBodySchema,
  type PublishBody,
  PublishBodySchema,
  PublishedSchema,
  SearchQuerySchema,
  type UpdateBody,
  UpdateBodySchema,
} from '../schemas/items.ts';
import { withProblems } from '../schemas/problem.ts';
import { PublishedOrPreviewSchema, PublishQueryWithDryRunSchema } from '../schemas/publish-preview.ts';

const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'];

/** Catalog items: publish, read, update, delete, search, versions, archives and installs. */
export const itemRoutes: FastifyPluginAsyncTypebox<{
  deps: AtlasDeps;
  maxBodyBytes: number;
  publishConcurrency: number;
}> = async (app, { deps, maxBodyBytes, publishConcurrency }) => {
  // A publish or an update costs the process ten times a read's CPU (bundle, git objects, statements): a burst of
  // fifty at once held every read behind their work. A few at a time keep the same throughput; the rest wait
  // here, before any of that work starts (their body is read, and checked against who is asking, already).
  const publishing = new PriorityGate(publishConcurrency, Number.POSITIVE_INFINITY);
  /** A route handler that starts once a publishing place is free. */
  const inTurn =
    <A extends unknown[], R>(handler: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      publishing.run(false, () => handler(...args));

  // No limit of its own: the app's small one applies, and publish and update raise theirs to `maxBodyBytes`.
  app.addContentTypeParser(ZIP_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Upload routes check who is asking in onRequest, before a byte of the body is read: an anonymous or
  // unauthorised upload costs a database lookup, not reading, inflating or parsing up to `maxBodyBytes`.
  const isZip = (request: FastifyRequest) =>
    ZIP_TYPES.includes((request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase());
  const beforePublishBody = async (request: FastifyRequest) => {
    const { namespace } = request.query as { namespace?: unknown };
    if (typeof namespace === 'string' && namespace !== '') {
      await authorizePublish(deps, namespace, request.actor);
      return;
    }
    requireUser(request.actor);
    if (isZip(request))
      throw new ValidationError({ path: 'query/namespace', message: 'is required with a zip upload' });
  };
  const beforeUpdateBody = async (request: FastifyRequest) => {
    await authorizeUpdate(deps, refOf(request.params as ItemParams), request.actor);
  };

  /** An item's files from either body form: JSON files or a zip (one top-level folder is stripped). */
  const filesOf = (request: FastifyRequest): ItemFile[] => {
    if (Buffer.isBuffer(request.body)) return readZipBundle(new Uint8Array(request.body), deps.limits).files;
    return decodeBundleFiles((request.body as { files: FileInput[] }).files);
  };
  const refOf = (params: ItemParams) => toItemRef(params);
  // A zip body arrives as a Buffer, which no JSON schema describes; the zip reader checks it instead.
  const bodySchema = (json: object) => ({
    content: {
      'application/json': { schema: json },
      'application/zip': { schema: { description: 'A zip of the item folder (one top-level folder is stripped).' } },
    },
  });

  app.post(
    '',
    {
      bodyLimit: maxBodyBytes,
      onRequest: beforePublishBody,
      schema: {
        tags: ['items'],
        summary: 'Publish a new item (JSON files, or a zip with ?namespace=); ?dryRun=true checks and previews only',
        security: [{ bearer: [] }],
        querystring: PublishQueryWithDryRunSchema,
        body: bodySchema(PublishBodySchema) as unknown as typeof PublishBodySchema,
        response: withProblems({ 200: PublishedOrPreviewSchema, 201: PublishedSchema }),
      },
    },
    inTurn(async (request, reply) => {
      const zipped = Buffer.isBuffer(request.body);
      const body = (zipped ? {} : request.body) as Partial<PublishBody>;
      const namespace = zipped ? request.query.namespace : body.namespace;
      if (!namespace) throw new ValidationError({ path: 'query/namespace', message: 'is required with a zip upload' });
      const input = {
        namespace,
        files: filesOf(request),
        name: zipped ? request.query.name : body.name,
        tags: body.tags,
        visibility: body.visibility,
        message: body.message,
      };
      if (request.query.dryRun) {
        const { ref, bundle, version, tags, existing } = await previewPublish(deps, input, request.actor);
        return {
          dryRun: true as const,
          ref: formatItemRef(ref),
          kind: ref.kind,
          namespace: ref.namespace,
          name: ref.name,
          version,
          treeSha: bundle.treeSha,
          manifest: { ...(bundle.manifest.manifest as unknown as Record<string, unknown>) },
          files: bundle.files.map((file) => ({
            path: file.path,
            executable: file.executable === true,
            blobSha: blobId(file.content),
            size: file.content.byteLength,
          })),
          tags,
          warnings: bundle.warnings,
          existing: existing ? presentItem(existing) : null,
          unchanged: existing?.treeSha === bundle.treeSha,
        };
      }
      const result = await publishItem(deps, input, request.actor);
      const published = presentPublished(result);
      reply.header('etag', etagOf(result.treeSha)).header('location', `/api/v1/items/${published.item.ref}`);
      return reply.status(result.unchanged ? 200 : 201).send(published);
    }),
  );

  app.get(
    '',
    {
      schema: {
        tags: ['items'],
        summary: 'Search and browse the catalog; facets=true also counts each kind, team, tag and status',
        querystring: SearchQuerySchema,
        response: withProblems({ 200: ItemPageSchema }),
      },
    },
    async (request) => {
      const { limit, ...query } = request.query;
      const page = await searchItems(deps, { ...query, limit: limit ?? 20 }, request.actor);
      return { items: page.items.map(presentItem), nextCursor: page.nextCursor, facets: page.facets };
    },
  );

  app.get(
    '/:kind/:namespace/:name',
    {
      schema: {
        tags: ['items'],
        summary: 'An item: metadata, parsed manifest and file list; ETag is its tree SHA',
        params: ItemParamsSchema,
        response: withProblems({ 200: ItemDetailsSchema, 304: NoContent }),
      },
    },
    async (request, reply) => {
      const details = await getItem(deps, refOf(request.params), request.actor);
      const etag = etagOf(details.item.treeSha);
      reply.header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
      return presentItemDetails(details);
    },
  );

  app.put(
    '/:kind/:namespace/:name',
    {
      bodyLimit: maxBodyBytes,
      onRequest: beforeUpdateBody,
      schema: {
        tags: ['items'],
        summary: "Replace an item's files; needs If-Match with the tree SHA you read",
        security: [{ bearer: [] }],
        params: ItemParamsSchema,
        headers: IfMatchHeadersSchema,
        body: bodySchema(UpdateBodySchema) as unknown as typeof UpdateBodySchema,
        response: withProblems({ 200: PublishedSchema }),
      },
    },
    inTurn(async (request, reply) => {
      const zipped = Buffer.isBuffer(request.body);
      const result = await updateItem(
        deps,
        {
          ref: refOf(request.params),
          files: filesOf(request),
          ifMatch: parseIfMatch(request.headers['if-match']),
          message: zipped ? undefined : (request.body as UpdateBody).message,
        },
        request.actor,
      );
      reply.header('etag', etagOf(result.treeSha));
      return presentPublished(result);
    }),
  );

  app.patch(
    '/:kind/:namespace/:name',
    {
      schema: {
        tags: ['items'],
        summary: 'Change tags, visibility, status or team (what the database owns)',
        security: [{ bearer: [] }],
        params: ItemParamsSchema,
        body: PatchBodySchema,
        response: withProblems({ 200: ItemAnswerSchema }),
      },
    },
    async (request) => {
      const item = await patchItem(deps, { ref: refOf(request.params), ...request.body }, request.actor);
      return { item: presentItem(item) };
    },
  );

  app.delete(
    '/:kind/:namespace/:name',
    {
      schema: {
        tags: ['items'],
        summary: 'Delete an item: its folder leaves git (history stays) and it leaves search',
        security: [{ bearer: [] }],
        params: ItemParamsSchema,
        headers: IfMatchHeadersSchema,
        body: DeleteBodySchema,
        response: withProblems({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await deleteItem(
        deps,
        {
          ref: refOf(request.params),
          ifMatch: parseIfMatch(request.headers['if-match']),
          message: request.body?.message,
        },
        request.actor,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/:kind/:namespace/:name/files/*',
    {
      schema: {
        tags: ['items'],
        summary: 'One file, raw, at the current version or any commit (?at=)',
        params: ItemFileParamsSchema,
        querystring: AtCommitQuerySchema,
      },
    },
    async (request, reply) => {
      const { '*': path, ...params } = request.params;
      const bytes = await readItemFile(deps, { ref: refOf(params), path, at: request.query.at }, request.actor);
      const { type, download } = contentTypeOf(path);
      reply.type(type).headers(ITEM_FILE_HEADERS);
      if (download)
        reply.header(
          'content-disposition',
          `attachment; filename="${encodeURIComponent(path.split('/').at(-1) ?? 'file')}"`,
        );
      return reply.send(Buffer.from(bytes));
    },
  );

  app.get(
    '/:kind/:namespace/:name/archive',
    {
      schema: {
        tags: ['items'],
        summary: 'The item as a zip with one top-level folder, at the current version or any commit (?at=)',
        params: ItemParamsSchema,
        querystring: AtCommitQuerySchema,
      },
    },
    async (request, reply) => {
      const { name, files, treeSha } = await readItemFiles(
        deps,
        { ref: refOf(request.params), at: request.query.at },
        request.actor,
      );
      return reply
        .type('application/zip')
        .headers(ITEM_FILE_HEADERS)
        .header('etag', etagOf(treeSha))
        .header('content-disposition', `attachment; filename="${name}.zip"`)
        .send(Buffer.from(writeZipBundle(name, files)));
    },
  );

  app.get(
    '/:kind/:namespace/:name/versions',
    {
      schema: {
        tags: ['items'],
        summary: 'The commits that changed the item, newest first, with the manifest version of each',
        params: ItemParamsSchema,
        querystring: PageQuerySchema,
        response: withProblems({ 200: ItemVersionPageSchema }),
      },
    },
    async (request) => {
      const page = await listItemVersions(
        deps,
        { ref: refOf(request.params), limit: request.query.limit ?? 20, cursor: request.query.cursor },
        request.actor,
      );
      return { items: page.items.map(presentVersion), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:kind/:namespace/:name/versions/:commit',
    {
      schema: {
        tags: ['items'],
        summary: 'The item as it was at one commit: manifest and files',
        params: ItemVersionParamsSchema,
        response: withProblems({ 200: ItemAtVersionSchema }),
      },
    },
    async (request) => {
      const { commit, ...params } = request.params;
      return presentItemAtVersion(await getItemVersion(deps, { ref: refOf(params), commitSha: commit }, request.actor));
    },
  );

  app.get(
    '/:kind/:namespace/:name/install-config',
    {
      schema: {
        tags: ['items'],
        summary: 'What a client needs to use the item, without recording an install (a preview)',
        params: ItemParamsSchema,
        querystring: InstallConfigQuerySchema,
        response: withProblems({ 200: InstallConfigSchema }),
      },
    },
    async (request): Promise<InstallConfig> => {
      const { client, scope = 'user' } = request.query;
      const ref = refOf(request.params);
      const { item, install } = await getInstallInstructions(deps, { ref, client }, request.actor);
      return {
        item: presentItem(item),
        usageCount: item.usageCount,
        client,
        scope,
        location: installLocation(install, scope),
        install: presentInstall(install, `/api/v1/items/${formatItemRef(ref)}/archive`),
      };
    },
  );

  app.post(
    '/:kind/:namespace/:name/installs',
    {
      schema: {
        tags: ['items'],
        summary: 'Record an install and get what the client needs to use the item',
        params: ItemParamsSchema,
        body: InstallBodySchema,
        response: withProblems({ 200: InstallAnswerSchema }),
      },
    },
    async (request) => {
      const result = await installItem(
        deps,
        { ref: refOf(request.params), client: request.body.client },
        request.actor,
      );
      // The edge adds the link: the archive of a skill is this item's archive route.
      const archivePath = `/api/v1/items/${formatItemRef(refOf(request.params))}/archive`;
      return {
        item: presentItem(result.item),
        usageCount: result.usageCount,
        install: presentInstall(result.install, archivePath),
      };
    },
  );
};
