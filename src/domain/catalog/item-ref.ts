import { type NamespaceName, normalizeNamespace } from '../accounts/namespace-name.ts';
import type { GitPath } from '../content/git-path.ts';
import { collectProblems } from '../errors.ts';
import { invalid, requireString } from '../value.ts';
import { type ItemKind, KIND_LAYOUT, toItemKind } from './item-kind.ts';
import { type ItemName, toItemName } from './item-name.ts';

/** `kind/namespace/name`, e.g. `skill/platform/pdf-tools`. */
export interface ItemRef {
  readonly kind: ItemKind;
  readonly namespace: NamespaceName;
  readonly name: ItemName;
}

export function toItemRef(input: { kind: unknown; namespace: unknown; name: unknown }): ItemRef {
  return collectProblems({
    kind: () => toItemKind(input.kind),
    namespace: () => {
      const text = requireString(input.namespace, 'namespace');
      const lowered = normalizeNamespace(text);
      if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(lowered) || lowered.length > 39) {
        invalid('namespace', 'is not a valid namespace');
      }
      return lowered as NamespaceName;
    },
    name: () => toItemName(input.name),
  });
}

/** Parses `kind/namespace/name`. */
export function parseItemRef(text: string, where = 'ref'): ItemRef {
  const parts = text.split('/');
  if (parts.length !== 3) invalid(where, 'must look like kind/namespace/name, e.g. skill/platform/pdf-tools');
  const [kind, namespace, name] = parts;
  return toItemRef({ kind, namespace, name });
}

export function formatItemRef(ref: ItemRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** The item's folder in the content repository, e.g. `skills/platform/pdf-tools`. */
export function itemFolder(ref: ItemRef): GitPath {
  return `${KIND_LAYOUT[ref.kind].folder}/${ref.namespace}/${ref.name}` as GitPath;
}

/** The reverse of `itemFolder`: undefined when the path is not an item folder. */
export function refFromFolder(path: string): ItemRef | undefined {
  const [folder, namespace, name, ...rest] = path.split('/');
  if (rest.length > 0 || !namespace || !name) return undefined;
  const kind = (Object.keys(KIND_LAYOUT) as ItemKind[]).find((k) => KIND_LAYOUT[k].folder === folder);
  if (!kind) return undefined;
  try {
    const ref = toItemRef({ kind, namespace, name });
    return itemFolder(ref) === path ? ref : undefined;
  } catch {
    return undefined;
  }
}
