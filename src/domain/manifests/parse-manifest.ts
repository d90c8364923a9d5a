import type { ItemKind } from '../catalog/item-kind.ts';
import { type ParsedServer, parseServerJson, type ServerJsonOptions } from './server-json.ts';
import { type ParsedSkill, parseSkillMd } from './skill-md.ts';
import { type ParsedTool, parseToolJson } from './tool-json.ts';

export type AnyParsedManifest = ParsedSkill | ParsedServer | ParsedTool;

/** How strictly manifests are read; the configuration decides it, the default is lenient. */
export interface ManifestOptions {
  /** The rules for server.json: `strict` applies the official MCP Registry's publishing rules as errors. */
  readonly serverJson?: ServerJsonOptions;
}

/**
 * Parses the manifest of an item of `kind` (SKILL.md, server.json or tool.json); throws one ValidationError.
 * `folderName` is the item's existing name, which the manifest's name must match; absent for a new item.
 */
export function parseManifest(
  kind: 'skill',
  bytes: Uint8Array,
  folderName?: string,
  options?: ManifestOptions,
): ParsedSkill;
export function parseManifest(
  kind: 'mcp',
  bytes: Uint8Array,
  folderName?: string,
  options?: ManifestOptions,
): ParsedServer;
export function parseManifest(
  kind: 'tool',
  bytes: Uint8Array,
  folderName?: string,
  options?: ManifestOptions,
): ParsedTool;
export function parseManifest(
  kind: ItemKind,
  bytes: Uint8Array,
  folderName?: string,
  options?: ManifestOptions,
): AnyParsedManifest;
export function parseManifest(
  kind: ItemKind,
  bytes: Uint8Array,
  folderName?: string,
  options: ManifestOptions = {},
): AnyParsedManifest {
  switch (kind) {
    case 'skill':
      return parseSkillMd(bytes, folderName);
    case 'mcp':
      // A server.json names itself in reverse-DNS form; the folder name is the catalog's, not the manifest's.
      return parseServerJson(bytes, options.serverJson);
    case 'tool':
      return parseToolJson(bytes, folderName);
  }
}
