import {
  type Static,
  type TLiteral,
  type TSchema,
  type TSchemaOptions,
  type TUnion,
  type TUnsafe,
  Type,
} from 'typebox';

/**
 * One literal per value of a domain list (`ITEM_KINDS`, `INSTALL_CLIENTS`, ...), so the wire enum follows the domain:
 * a value added there is accepted and documented here without an edit.
 */
export function literalUnion<const T extends string>(values: readonly T[], options?: TSchemaOptions) {
  // Typed as one literal of the whole union: TypeBox reads a union's static type from a tuple, not an array.
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<[TLiteral<T>]>;
}

/**
 * A reference by `$id` to a shared schema (registered once with `app.addSchema`, so it is one component in the
 * OpenAPI document), typed as the schema it points to.
 */
export function refTo<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('refTo: the schema has no $id');
  return Type.Unsafe<Static<T>>(Type.Ref(id));
}

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);

/** A full git object name. */
export const Sha = Type.String({ pattern: '^[0-9a-f]{40}$' });

/** The answer of a route that answers with no body (204, 304). */
export const NoContent = Type.Null();

/** The query of every keyset-paginated list; spread it into a route's own query. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
};
export const PageQuerySchema = Type.Object(PageQuery, { additionalProperties: false });
export type PageQuery = Static<typeof PageQuerySchema>;

/** One page of a list: its entries, and the cursor of the next page when there is one. */
export function pageOf<T extends TSchema>(entry: T) {
  return Type.Object({ items: Type.Array(entry), nextCursor: Type.Optional(Type.String()) });
}
