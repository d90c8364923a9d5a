import type { InstallBody, Item, SearchQuery } from '../../../src/entrypoints/http/schemas/items.ts';
import type { TeamRole } from '../../../src/entrypoints/http/schemas/teams.ts';

export type ItemKind = Item['kind'];
export type ItemStatus = Item['status'];
export type ItemSort = NonNullable<SearchQuery['sort']>;
export type InstallClient = InstallBody['client'];

/**
 * What the UI calls each value of the wire's enums. Typed as a record of the wire type, so a value the server adds
 * does not compile until it has a label here, and the keys are the list the UI iterates.
 */
export const KIND_LABELS = { skill: 'Skill', mcp: 'MCP server', tool: 'Tool' } satisfies Record<ItemKind, string>;
export const STATUS_LABELS = {
  active: 'Active',
  deprecated: 'Deprecated',
  deleted: 'Deleted',
  invalid: 'Invalid',
} satisfies Record<ItemStatus, string>;
export const SORT_LABELS = {
  relevance: 'Relevance',
  updated: 'Recently updated',
  installs: 'Most installed',
  name: 'Name',
} satisfies Record<ItemSort, string>;
export const CLIENT_LABELS = {
  'claude-code': 'Claude Code',
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  windsurf: 'Windsurf',
  agents: 'Shared .agents folder',
} satisfies Record<InstallClient, string>;
export const ROLE_LABELS = { owner: 'Owner', maintainer: 'Maintainer', member: 'Member' } satisfies Record<
  TeamRole,
  string
>;

export const keysOf = <T extends Record<string, string>>(labels: T) => Object.keys(labels) as (keyof T & string)[];

export const isKind = (value: string | null | undefined): value is ItemKind =>
  value !== null && value !== undefined && Object.hasOwn(KIND_LABELS, value);
