import type { ItemKind } from '../catalog/item-kind.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Something accepted but worth telling the author: `path` is the file plus a JSON pointer, e.g. `SKILL.md#/version`. */
export interface ManifestWarning {
  readonly path: string;
  readonly message: string;
}

/** A manifest that passed validation. `manifest` is the normalised, JSON-safe object the catalog stores. */
export interface ParsedManifest<T, K extends ItemKind = ItemKind> {
  readonly kind: K;
  /** The name the manifest gives itself (for server.json the reverse-DNS name, not the folder). */
  readonly name: string;
  readonly description: string;
  /** The manifest's own exact version, when it declares one. */
  readonly version?: string;
  readonly manifest: T;
  readonly warnings: ManifestWarning[];
}
