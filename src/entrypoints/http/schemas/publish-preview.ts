import { type Static, Type } from 'typebox';
import { refTo } from './common.ts';
import { ItemKindSchema, ItemSchema, ManifestSchema, PublishedSchema, PublishQuerySchema } from './items.ts';
import { FieldProblemSchema } from './problem.ts';

/** `POST /items?dryRun=true`: validate and preview a publish, write nothing. */
export const PublishQueryWithDryRunSchema = Type.Object(
  {
    ...PublishQuerySchema.properties,
    dryRun: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Check everything a publish checks and answer with a preview (status 200); nothing is written. Problems are answered as a publish answers them.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What a publish would make of the files: the item's reference, parsed manifest, files and warnings. */
export const PublishPreviewSchema = Type.Object({
  dryRun: Type.Literal(true),
  ref: Type.String({ examples: ['skill/platform/pdf-tools'] }),
  kind: ItemKindSchema,
  namespace: Type.String(),
  name: Type.String(),
  version: Type.Union([Type.String(), Type.Null()]),
  treeSha: Type.String(),
  manifest: ManifestSchema,
  files: Type.Array(
    Type.Object({
      path: Type.String(),
      executable: Type.Boolean(),
      blobSha: Type.String(),
      size: Type.Integer({ minimum: 0, description: 'Bytes.' }),
    }),
  ),
  tags: Type.Array(Type.String()),
  warnings: Type.Array(FieldProblemSchema),
  existing: Type.Union([refTo(ItemSchema), Type.Null()], {
    description:
      'The item these files would replace, when you can read it: update it with PUT and If-Match its treeSha.',
  }),
  unchanged: Type.Boolean({ description: 'True when the existing item already holds exactly these files.' }),
});
export type PublishPreview = Static<typeof PublishPreviewSchema>;

/** The 200 answer of `POST /items`: identical content already published, or a dry run's preview. */
export const PublishedOrPreviewSchema = Type.Union([PublishedSchema, PublishPreviewSchema]);
