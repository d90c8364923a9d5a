import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { deleteItem } from '../../../application/catalog/delete-item.ts';
import { getItem } from '../../../application/catalog/get-item.ts';
import { installItem } from '../../../application/catalog/install-item.ts';
import { type BundleFileInput, decodeBundleFiles } from '../../../application/catalog/item-bundle.ts';
import { getItemVersion, listItemVersions } from '../../../application/catalog/list-item-versions.ts';
import { patchItem } from '../../../application/catalog/patch-item.ts';
import { publishItem } from '../../../application/catalog/publish-item.ts';
import { readItemFile, readItemFiles } from '../../../application/catalog/read-item-file.ts';
import { searchItems } from '../../../application/catalog/search-items.ts';
import { updateItem } from '../../../application/catalog/update-item.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import { INSTALL_CLIENTS } from '../../../domain/catalog/install-clients.ts';
import { formatItemRef, toItemRef } from '../../../domain/catalog/item-ref.ts';
import type { ItemFile } from '../../../domain/content/content-store.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { readZipBundle } from '../../../lib/zip/zip-reader.ts';
import { writeZipBundle } from '../../../lib/zip/zip-writer.ts';
import { contentTypeOf } from '../content-types.ts';
import { etagOf, parseIfMatch, presentItem } from '../presenters-items.ts';
import { PageQuery, withProblems } from '../schemas.ts';

const Sha = Type.String({ pattern: '^[0-9a-f]{40}$' });
const Kind = Type.Union([Type.Literal('skill'), Type.Literal('mcp'), Type.Literal('tool')]);
const RefParams = Type.Object({
  kind: Kind,
  namespace: Type.String({ maxLength: 39 }),
  name: Type.String({ maxLength: 64 }),
});
type RefParams = Static<typeof RefParams>;
const Visibility = Type.Union([Type.Literal('org'), Type.Literal('team')]);
const Status = Type.Union([
  Type.Literal('active'),
  Type.Literal('deprecated'),
  Type.Literal('deleted'),
  Type.Literal('invalid'),
]);

const FileInput = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 1024, examples: ['SKILL.md'] }),
    content: Type.String({ description: 'The file, as text or base64.' }),
    encoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')], { default: 'utf8' })),
    executable: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const PublishBody = Type.Object(
  {
    namespace: Type.String({
      maxLength: 39,
      description: 'Your username or a team you belong to.',
      examples: ['platform'],
    }),
    name: Type.Optional(Type.String({ maxLength: 64, description: 'MCP servers only: the catalog name.' })),
    files: Type.Array(FileInput, { minItems: 1, maxItems: 1000 }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20 })),
    visibility: Type.Optional(Visibility),
    message: Type.Optional(Type.String({ maxLength: 1000, description: 'A line for the commit message.' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        namespace: 'platform',
        files: [
          {
            path: 'SKILL.md',
            content: '---\nname: pdf-tools\ndescription: Extract text and tables from PDF files.\n---\n# PDF tools\n',
          },
          { path: 'scripts/extract.py', content: 'print("hi")\n', executable: true },
        ],
        tags: ['pdf'],
      },
    ],
  },
);

const UpdateBody = Type.Object(
  {
    files: Type.Array(FileInput, { minItems: 1, maxItems: 1000 }),
    message: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const Warning = Type.Object({ path: Type.String(), message: Type.String() });
const Published = Type.Object({
  item: Type.Ref('Item'),
  commitSha: Type.String(),
  treeSha: Type.String(),
  unchanged: Type.Boolean({ description: 'True when identical content was already published.' }),
  warnings: Type.Array(Warning),
});
const FileEntry = Type.Object({ path: Type.String(), executable: Type.Boolean(), blobSha: Type.String() });

const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'];

/** Catalog items: publish, read, update, delete, search, versions, archives and installs. */
export const itemRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps; maxBodyBytes: number }> = async (
  app,
  { deps, maxBodyBytes },
) => {
  app.addContentTypeParser(ZIP_TYPES, { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) =>
    done(null, body),
  );

  /** An item's files from either body form: JSON files or a zip (one top-level folder is stripped). */
  const filesOf = (request: FastifyRequest): ItemFile[] => {
    if (Buffer.isBuffer(request.body)) return readZipBundle(new Uint8Array(request.body), deps.limits).files;
    return decodeBundleFiles((request.body as { files: BundleFileInput[] }).files);
  };
  const refOf = (params: RefParams) => toItemRef(params);
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
      schema: {
        tags: ['items'],
        summary: 'Publish a new item (JSON files, or a zip with ?namespace=)',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            namespace: Type.Optional(Type.String({ maxLength: 39 })),
            name: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        body: bodySchema(PublishBody) as unknown as typeof PublishBody,
        response: withProblems({ 200: Published, 201: Published }),
      },
    },
    async (request, reply) => {
      const zipped = Buffer.isBuffer(request.body);
      const body = (zipped ? {} : request.body) as Partial<Static<typeof PublishBody>>;
      const namespace = zipped ? request.query.namespace : body.namespace;
      if (!namespace) throw new ValidationError({ path: 'query/namespace', message: 'is required with a zip upload' });
      const result = await publishItem(
        deps,
        {
          namespace,
          files: filesOf(request),
          name: zipped ? request.query.name : body.name,
          tags: body.tags,
          visibility: body.visibility,
          message: body.message,
        },
        request.actor,
      );
      reply.header('etag', etagOf(result.treeSha)).header('location', `/api/v1/items/${presentItem(result.item).ref}`);
      return reply.status(result.unchanged ? 200 : 201).send({ ...result, item: presentItem(result.item) });
    },
  );

  app.get(
    '',
    {
      schema: {
        tags: ['items'],
        summary: 'Search and browse the catalog',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 200, description: 'Words; a misspelt name still matches.' })),
            kind: Type.Optional(Kind),
            namespace: Type.Optional(Type.String({ maxLength: 39 })),
            team: Type.Optional(Type.String({ maxLength: 39 })),
            tag: Type.Optional(Type.String({ maxLength: 32 })),
            owner: Type.Optional(Type.String({ maxLength: 39 })),
            status: Type.Optional(Status),
            sort: Type.Optional(
              Type.Union([
                Type.Literal('relevance'),
                Type.Literal('updated'),
                Type.Literal('installs'),
                Type.Literal('name'),
              ]),
            ),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: withProblems({
          200: Type.Object({ items: Type.Array(Type.Ref('Item')), nextCursor: Type.Optional(Type.String()) }),
        }),
      },
    },
    async (request) => {
      const { limit, ...query } = request.query;
      const page = await searchItems(deps, { ...query, limit: limit ?? 20 }, request.actor);
      return { items: page.items.map(presentItem), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:kind/:namespace/:name',
    {
      schema: {
        tags: ['items'],
        summary: 'An item: metadata, parsed manifest and file list; ETag is its tree SHA',
        params: RefParams,
        response: withProblems({
          200: Type.Object({
            item: Type.Ref('Item'),
            manifest: Type.Record(Type.String(), Type.Unknown()),
            files: Type.Array(FileEntry),
            owner: Type.Union([Type.String(), Type.Null()]),
            team: Type.Union([Type.String(), Type.Null()]),
          }),
          304: Type.Null(),
        }),
      },
    },
    async (request, reply) => {
      const details = await getItem(deps, refOf(request.params), request.actor);
      const etag = etagOf(details.item.treeSha);
      reply.header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
      return {
        item: presentItem(details.item),
        manifest: { ...details.item.manifest },
        files: details.files,
        owner: details.owner,
        team: details.team,
      };
    },
  );

  app.put(
    '/:kind/:namespace/:name',
    {
      schema: {
        tags: ['items'],
        summary: "Replace an item's files; needs If-Match with the tree SHA you read",
        security: [{ bearer: [] }],
        params: RefParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) }),
        body: bodySchema(UpdateBody) as unknown as typeof UpdateBody,
        response: withProblems({ 200: Published }),
      },
    },
    async (request, reply) => {
      const zipped = Buffer.isBuffer(request.body);
      const result = await updateItem(
        deps,
        {
          ref: refOf(request.params),
          files: filesOf(request),
          ifMatch: parseIfMatch(request.headers['if-match']),
          message: zipped ? undefined : (request.body as Static<typeof UpdateBody>).message,
        },
        request.actor,
      );
      reply.header('etag', etagOf(result.treeSha));
      return { ...result, item: presentItem(result.item) };
    },
  );

  app.patch(
    '/:kind/:namespace/:name',
    {
      schema: {
        tags: ['items'],
        summary: 'Change tags, visibility, status or team (what the database owns)',
        security: [{ bearer: [] }],
        params: RefParams,
        body: Type.Object(
          {
            tags: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20 })),
            visibility: Type.Optional(Visibility),
            status: Type.Optional(
              Type.Union([Type.Literal('active'), Type.Literal('deprecated'), Type.Literal('deleted')]),
            ),
            statusMessage: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
            team: Type.Optional(Type.Union([Type.String({ maxLength: 39 }), Type.Null()])),
          },
          {
            additionalProperties: false,
            minProperties: 1,
            examples: [{ status: 'deprecated', statusMessage: 'use skill/platform/pdf-tools-2' }],
          },
        ),
        response: withProblems({ 200: Type.Object({ item: Type.Ref('Item') }) }),
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
        params: RefParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) }),
        // No body at all is the usual DELETE; Fastify hands the validator null then.
        body: Type.Union([
          Type.Object(
            { message: Type.Optional(Type.String({ maxLength: 1000, description: 'A line for the commit message.' })) },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        response: withProblems({ 204: Type.Null() }),
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
        params: Type.Object({ ...RefParams.properties, '*': Type.String({ maxLength: 1024 }) }),
        querystring: Type.Object({ at: Type.Optional(Sha) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const { '*': path, ...params } = request.params;
      const bytes = await readItemFile(deps, { ref: refOf(params), path, at: request.query.at }, request.actor);
      const { type, download } = contentTypeOf(path);
      reply.type(type);
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
        params: RefParams,
        querystring: Type.Object({ at: Type.Optional(Sha) }, { additionalProperties: false }),
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
        params: RefParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: withProblems({
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                commitSha: Type.String(),
                treeSha: Type.Union([Type.String(), Type.Null()]),
                version: Type.Union([Type.String(), Type.Null()]),
                message: Type.String(),
                author: Type.Object({ name: Type.String(), email: Type.String() }),
                date: Type.String({ format: 'date-time' }),
              }),
            ),
            nextCursor: Type.Optional(Type.String()),
          }),
        }),
      },
    },
    async (request) => {
      const page = await listItemVersions(
        deps,
        { ref: refOf(request.params), limit: request.query.limit ?? 20, cursor: request.query.cursor },
        request.actor,
      );
      return { items: page.items.map((v) => ({ ...v, date: v.date.toISOString() })), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:kind/:namespace/:name/versions/:commit',
    {
      schema: {
        tags: ['items'],
        summary: 'The item as it was at one commit: manifest and files',
        params: Type.Object({ ...RefParams.properties, commit: Type.String({ maxLength: 64 }) }),
        response: withProblems({
          200: Type.Object({
            commitSha: Type.String(),
            treeSha: Type.String(),
            version: Type.Union([Type.String(), Type.Null()]),
            manifest: Type.Unknown(),
            files: Type.Array(FileEntry),
          }),
        }),
      },
    },
    async (request) => {
      const { commit, ...params } = request.params;
      return getItemVersion(deps, { ref: refOf(params), commitSha: commit }, request.actor);
    },
  );

  app.post(
    '/:kind/:namespace/:name/installs',
    {
      schema: {
        tags: ['items'],
        summary: 'Record an install and get what the client needs to use the item',
        params: RefParams,
        body: Type.Object(
          { client: Type.Union(INSTALL_CLIENTS.map((c) => Type.Literal(c))) },
          { additionalProperties: false, examples: [{ client: 'claude-code' }] },
        ),
        response: withProblems({
          200: Type.Object({
            item: Type.Ref('Item'),
            usageCount: Type.Integer(),
            install: Type.Record(Type.String(), Type.Unknown()),
          }),
        }),
      },
    },
    async (request) => {
      const result = await installItem(
        deps,
        { ref: refOf(request.params), client: request.body.client },
        request.actor,
      );
      // The edge adds the link: the archive of a skill is this item's archive route.
      const install =
        result.install.kind === 'skill'
          ? { ...result.install, archivePath: `/api/v1/items/${formatItemRef(refOf(request.params))}/archive` }
          : result.install;
      return { ...result, install, item: presentItem(result.item) };
    },
  );
};
