import type { ItemKind } from '../../domain/catalog/item-kind.ts';
import { KIND_LAYOUT } from '../../domain/catalog/item-kind.ts';
import { nameProblem } from '../../domain/catalog/item-name.ts';
import type { ContentLimits } from '../../domain/content/content-limits.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { compareCodePoints, computeTreeId } from '../../domain/content/tree-id.ts';
import { validateChanges } from '../../domain/content/validate-changes.ts';
import { type Problem, TooLargeError, ValidationError } from '../../domain/errors.ts';
import { detectManifest } from '../../domain/manifests/detect-manifest.ts';
import type { ManifestWarning } from '../../domain/manifests/manifest.ts';
import { type AnyParsedManifest, parseManifest } from '../../domain/manifests/parse-manifest.ts';
import { toolItemName } from '../../domain/manifests/tool-json.ts';

/** A file as the JSON publish API carries it. */
export interface BundleFileInput {
  readonly path: string;
  readonly content: string;
  /** `utf8` (default) or `base64` for binary files. */
  readonly encoding?: 'utf8' | 'base64';
  readonly executable?: boolean;
}

/** A validated item: its kind and catalog name, its files, their git tree SHA and the parsed manifest. */
export interface ItemBundle {
  readonly kind: ItemKind;
  readonly name: string;
  readonly files: ItemFile[];
  readonly treeSha: string;
  readonly manifest: AnyParsedManifest;
  readonly warnings: ManifestWarning[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes the JSON form of an item's files, reporting every bad file at once (`files/<i>/...`). */
export function decodeBundleFiles(inputs: readonly BundleFileInput[]): ItemFile[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const files = inputs.map((input, index) => {
    const where = `files/${index}`;
    const pathProblem = gitPathProblem(input.path);
    if (pathProblem) problems.push({ path: `${where}/path`, message: `"${input.path}" ${pathProblem}` });
    else if (seen.has(input.path)) problems.push({ path: `${where}/path`, message: `"${input.path}" is given twice` });
    seen.add(input.path);
    let content = new Uint8Array();
    if (input.encoding === 'base64') {
      const compact = input.content.replace(/\s+/g, '');
      if (!BASE64.test(compact)) problems.push({ path: `${where}/content`, message: 'is not valid base64' });
      else content = new Uint8Array(Buffer.from(compact, 'base64'));
    } else {
      content = new TextEncoder().encode(input.content);
    }
    return { path: input.path, content, executable: input.executable === true };
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return files;
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
 *   or a name made from its server.json name.
 */
export function prepareBundle(
  files: readonly ItemFile[],
  limits: ContentLimits,
  options: { existing?: { kind: ItemKind; name: string }; requestedName?: string } = {},
): ItemBundle {
  if (files.length === 0) throw new ValidationError({ path: 'files', message: 'must hold at least the manifest' });
  checkLimits(files, limits);
  const kind = detectManifest(files);
  const { existing } = options;
  if (existing && existing.kind !== kind) {
    throw new ValidationError({
      path: KIND_LAYOUT[kind].manifest,
      message: `this item is a ${existing.kind}; its manifest is ${KIND_LAYOUT[existing.kind].manifest}`,
    });
  }
  const manifestFile = files.find((file) => file.path === KIND_LAYOUT[kind].manifest)!;
  const manifest = parseManifest(kind, manifestFile.content, kind === 'mcp' ? undefined : existing?.name);
  const name = existing?.name ?? itemNameOf(kind, manifest, options.requestedName);
  const sorted = [...files].sort((a, b) => compareCodePoints(a.path, b.path));
  return { kind, name, files: sorted, treeSha: computeTreeId(sorted), manifest, warnings: manifest.warnings };
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

/** The content store's own limit and path checks, run on a stand-in folder so the answer names item paths. */
function checkLimits(files: readonly ItemFile[], limits: ContentLimits): void {
  const folder = 'skills/check/limits';
  try {
    validateChanges(
      files.map((file) => ({
        type: 'write',
        path: `${folder}/${file.path}`,
        content: file.content,
        executable: file.executable,
      })),
      limits,
    );
  } catch (error) {
    const local = (text: string) => text.replaceAll(`${folder}/`, '').replaceAll(folder, 'the item');
    if (error instanceof ValidationError) {
      throw new ValidationError(error.problems.map((p) => ({ path: local(p.path), message: local(p.message) })));
    }
    if (error instanceof TooLargeError) {
      throw new TooLargeError(
        local(error.message),
        error.problems.map((p) => ({ path: local(p.path), message: local(p.message) })),
      );
    }
    throw error;
  }
}
