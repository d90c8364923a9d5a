import { nameProblem } from '../../../domain/catalog/item-name.ts';

/**
 * How items of different plugins of a marketplace keep apart, where Claude Code keeps them apart as
 * `/<plugin>:<name>`: `auto` prefixes a name with its plugin only when plugins share it, `prefix` always does,
 * `namespace` publishes each plugin into the namespace of its name (lowercase, other characters as hyphens).
 */
export const PLUGIN_NAME_RULES = ['auto', 'prefix', 'namespace'] as const;
export type PluginNameRule = (typeof PLUGIN_NAME_RULES)[number];

export interface NameRequest {
  readonly kind: 'skill' | 'mcp';
  /** The name the item gives itself: a skill's frontmatter name, a server's key made a valid name. */
  readonly name: string;
  readonly plugin?: string;
}

export interface NameDecision {
  /** The catalog name. */
  readonly name: string;
  /** `<plugin>-<name>` was applied. */
  readonly prefixed: boolean;
  /** With the `namespace` rule: the namespace of the item's plugin. */
  readonly namespace?: string;
  /** Other plugins that hold an item of the same kind and name. */
  readonly sharedWith: string[];
  /** Why the resulting name cannot be used (too long, say). */
  readonly problem?: string;
  /** The index of an earlier request that takes the same kind, namespace and name: this one cannot be imported. */
  readonly duplicateOf?: number;
}

/** A plugin name as a name part: lowercase, runs of other characters as one hyphen (`Doc.Kit` is `doc-kit`). */
export function nameFromLabel(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Decides the catalog names of the items of one import, in order.
 * - without a plugin, an item keeps its own name;
 * - `auto`: a name that items of two or more plugins hold becomes `<plugin>-<name>` for each of them (never for
 *   only some, so the result does not depend on the order of the plugins); other names stay;
 * - `prefix`: every plugin item is `<plugin>-<name>`;
 * - `namespace`: names stay, and each plugin's items go to the namespace named after the plugin;
 * - an item whose kind, namespace and name an earlier one already takes is marked `duplicateOf` that one (two
 *   skill folders of one plugin with the same frontmatter name, say).
 */
export function decideItemNames(requests: readonly NameRequest[], rule: PluginNameRule): NameDecision[] {
  const plugins = new Map<string, Set<string>>();
  for (const request of requests) {
    if (request.plugin === undefined) continue;
    const key = `${request.kind}/${request.name}`;
    const set = plugins.get(key) ?? new Set<string>();
    set.add(request.plugin);
    plugins.set(key, set);
  }
  const taken = new Map<string, number>();
  return requests.map((request, index) => {
    const holders = plugins.get(`${request.kind}/${request.name}`) ?? new Set<string>();
    const sharedWith = [...holders].filter((plugin) => plugin !== request.plugin).sort();
    let name = request.name;
    let prefixed = false;
    let namespace: string | undefined;
    if (request.plugin !== undefined) {
      if (rule === 'prefix' || (rule === 'auto' && sharedWith.length > 0)) {
        name = `${nameFromLabel(request.plugin)}-${request.name}`;
        prefixed = true;
      } else if (rule === 'namespace') {
        namespace = nameFromLabel(request.plugin);
      }
    }
    const problem = nameProblem(name, 64);
    const key = `${request.kind}/${namespace ?? ''}/${name}`;
    const duplicateOf = problem ? undefined : taken.get(key);
    if (!problem && duplicateOf === undefined) taken.set(key, index);
    return {
      name,
      prefixed,
      sharedWith,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(problem ? { problem } : {}),
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
    };
  });
}
