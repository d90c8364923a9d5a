import { type ItemKind, KIND_LAYOUT } from '../catalog/item-kind.ts';
import { ValidationError } from '../errors.ts';

const MANIFESTS = Object.entries(KIND_LAYOUT).map(([kind, layout]) => ({
  kind: kind as ItemKind,
  file: layout.manifest as string,
}));

/**
 * Which kind of item a set of files is, from the manifest at the top of the folder: SKILL.md is a skill,
 * server.json an MCP server, tool.json a tool. Paths are relative to the item folder; a manifest in a subfolder
 * (a skill's assets/server.json) does not count. None, or more than one, is a ValidationError.
 */
export function detectManifest(files: readonly { path: string }[]): ItemKind {
  const top = new Set(files.map((file) => file.path.replace(/^\.\//, '')).filter((path) => !path.includes('/')));
  const found = MANIFESTS.filter((manifest) => top.has(manifest.file));
  if (found.length === 1) return found[0]!.kind;
  if (found.length > 1) {
    throw new ValidationError({
      path: found.map((manifest) => manifest.file).join(', '),
      message: `an item holds exactly one manifest, but this folder has ${found.length}; keep one`,
    });
  }
  const names = MANIFESTS.map((manifest) => manifest.file);
  const misnamed = [...top].find((path) => names.some((name) => name.toLowerCase() === path.toLowerCase()));
  throw new ValidationError({
    path: misnamed ?? '.',
    message: misnamed
      ? `is not a manifest name; manifest names are case-sensitive: ${names.join(', ')}`
      : `no manifest at the top of the folder: expected one of ${names.join(', ')}`,
  });
}
