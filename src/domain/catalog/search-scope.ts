import type { ItemStatus } from './catalog-item.ts';

/**
 * The statuses a search or browse draws from, and its status facet counts: active and deprecated items, or only
 * the deleted or only the invalid ones when those are asked for (asking for active or deprecated narrows the
 * results, not the scope, so the status facet still counts both).
 */
export function searchScope(status?: ItemStatus): ItemStatus[] {
  return status === 'deleted' || status === 'invalid' ? [status] : ['active', 'deprecated'];
}
