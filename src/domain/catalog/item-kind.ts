import { invalid } from '../value.ts';

/** The kinds of catalog item. A closed set: adding one is a deliberate change. */
export const ITEM_KINDS = ['skill', 'mcp', 'tool'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** The top-level folder of each kind in the content repository, and its manifest file. */
export const KIND_LAYOUT = {
  skill: { folder: 'skills', manifest: 'SKILL.md' },
  mcp: { folder: 'mcp', manifest: 'server.json' },
  tool: { folder: 'tools', manifest: 'tool.json' },
} as const satisfies Record<ItemKind, { folder: string; manifest: string }>;

export function isItemKind(value: unknown): value is ItemKind {
  return typeof value === 'string' && (ITEM_KINDS as readonly string[]).includes(value);
}

export function toItemKind(value: unknown, where = 'kind'): ItemKind {
  if (!isItemKind(value)) invalid(where, `must be one of ${ITEM_KINDS.join(', ')}`);
  return value;
}
