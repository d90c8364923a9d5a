import { type Static, type TSchema, Type } from 'typebox';
import { ItemKindSchema, ItemStatusSchema } from './item-values.ts';

/** One value of a facet and how many results the caller may see carry it. */
function facetValue<T extends TSchema>(value: T) {
  return Type.Object({ value, count: Type.Integer({ minimum: 0 }) });
}

/**
 * `GET /items?...&facets=true`: counts per value of each filter, over the results of the query with every other
 * filter applied, counting only what the caller may read. Values are most frequent first; a facet with nothing
 * to count is an empty list.
 */
export const FacetsSchema = Type.Object({
  kind: Type.Array(facetValue(ItemKindSchema)),
  team: Type.Array(facetValue(Type.String({ description: 'A team slug.' }))),
  tag: Type.Array(facetValue(Type.String())),
  status: Type.Array(facetValue(ItemStatusSchema)),
});
export type Facets = Static<typeof FacetsSchema>;
export type FacetName = keyof Facets;

/** The query field that asks for facets; spread it into the search query. */
export const FacetsQuery = {
  facets: Type.Optional(Type.Boolean({ default: false, description: 'Answer with facet counts too.' })),
};
