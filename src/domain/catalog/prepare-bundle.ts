import type { ContentLimits } from '../content/content-limits.ts';
import type { ItemFile } from '../content/content-store.ts';
import { compareCodePoints, computeTreeId } from '../content/tree-id.ts';
import { checkItemFiles } from '../content/validate-changes.ts';
import { TooLargeError, ValidationError } from '../errors.ts';
import { detectManifest } from '../manifests/detect-manifest.ts';
import type { ManifestWarning } from '../manifests/manifest.ts';
import { type AnyParsedManifest, type ManifestOptions, parseManifest } from '../manifests/parse-manifest.ts';
import { toolItemName } from '../manifests/tool-json.ts';
import { type ItemKind, KIND_LAYOUT } from './item-kind.ts';
import { nameProblem } from './item-name.ts';

/** A validated item: its kind and catalog name, its files, their git tree SHA and the parsed manifest. */
export interface ItemBundle {
  readonly kind: ItemKind;
  readonly name: string;
  readonly files: ItemFile[];
  readonly treeSha: string;
  readonly manifest: AnyParsedManifest;
  readonly warnings: ManifestWarning[];
}

/**
 * Makes a catalog name of an MCP server's reverse-DNS name: its last segment in lowercase, runs
 * of other characters as one hyphen (`io.github.acme/GitHub_MCP` is `github-mcp`).
 */
export function mcpItemName(serverName: string): string {
  const last = serverName.split('/').at(-1) ?? '';
  return last
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/**
 * Validates an item's files and manifest before anything is written, every problem at once.
 * - paths must be relative and safe; sizes, counts and depth within `limits` (TooLargeError when
 *   only a limit is broken);
 * - exactly one manifest at the top decides the kind; the manifest must pass its rules;
 * - for an existing item the kind and name cannot change; a new MCP server takes `requestedName`
 *   or a name made from its server.json name;
 * - `manifest` says how strictly manifests are read (ManifestOptions).
 */
export function prepareBundle(
  files: readonly ItemFile[],
  limits: ContentLimits,
  options: { existing?: { kind: ItemKind; name: string }; requestedName?: string; manifest?: ManifestOptions } = {},
): ItemBundle {
  if (files.length === 0) throw new ValidationError({ path: 'files', message: 'must hold at least the manifest' });
  const { problems, tooLarge } = checkItemFiles(
    files.map((file) => ({ path: file.path, content: file.content, executable: file.executable === true })),
    limits,
  );
  // The manifest is read even when other files are wrong, so one answer names every problem; never a
  // manifest over the file limit, which is refused unread.
  let described: Omit<ItemBundle, 'files' | 'treeSha'> | undefined;
  try {
    described = describeBundle(files, limits, options);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0) throw new ValidationError([...problems, ...tooLarge]);
  if (tooLarge.length > 0 || !described) {
    throw new TooLargeError(tooLarge.map((p) => `${p.path}: ${p.message}`).join('; '), tooLarge);
  }
  const sorted = [...files].sort((a, b) => compareCodePoints(a.path, b.path));
  return { ...described, files: sorted, treeSha: computeTreeId(sorted) };
}

/**
 * The kind, name and parsed manifest of a bundle; ValidationError for a missing, wrong or broken manifest;
 * undefined for a manifest over the file limit.
 */
function describeBundle(
  files: readonly ItemFile[],
  limits: ContentLimits,
  options: { existing?: { kind: ItemKind; name: string }; requestedName?: string; manifest?: ManifestOptions },
): Omit<ItemBundle, 'files' | 'treeSha'> | undefined {
  const kind = detectManifest(files);
  const { existing } = options;
  if (existing && existing.kind !== kind) {
    throw new ValidationError({
      path: KIND_LAYOUT[kind].manifest,
      message: `this item is a ${existing.kind}; its manifest is ${KIND_LAYOUT[existing.kind].manifest}`,
    });
  }
  const manifestFile = files.find((file) => file.path === KIND_LAYOUT[kind].manifest)!;
  if (manifestFile.content.byteLength > limits.maxFileBytes) return undefined;
  const manifest = parseManifest(
    kind,
    manifestFile.content,
    kind === 'mcp' ? undefined : existing?.name,
    options.manifest,
  );
  const name = existing?.name ?? itemNameOf(kind, manifest, options.requestedName);
  return { kind, name, manifest, warnings: manifest.warnings };
}

function itemNameOf(kind: ItemKind, manifest: AnyParsedManifest, requested: string | undefined): string {
  if (kind === 'skill') return manifest.name;
  if (kind === 'tool') return toolItemName(manifest.name)!;
  const name = requested ?? mcpItemName(manifest.name);
  const problem = nameProblem(name, 64);
  if (problem) {
    throw new ValidationError({
      path: 'name',
      message: requested
        ? `"${name}" ${problem}`
        : `cannot make a catalog name of "${manifest.name}"; give one with "name" (a-z, 0-9 and hyphens)`,
    });
  }
  return name;
}
