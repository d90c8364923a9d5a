import { ITEM_STATUSES } from '../../../domain/catalog/catalog-item.ts';
import { ITEM_KINDS } from '../../../domain/catalog/item-kind.ts';
import { literalUnion } from './common.ts';

/**
 * The enums of an item that other wire schemas share (facets.ts among them): defined here, where nothing imports
 * back, so that items.ts can use those schemas without an import cycle. items.ts re-exports them.
 */
export const ItemKindSchema = literalUnion(ITEM_KINDS);
export const ItemStatusSchema = literalUnion(ITEM_STATUSES);
