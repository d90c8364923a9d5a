/**
 * The plugin marketplace files of Claude Code (`.claude-plugin/marketplace.json`), Codex
 * (`.agents/plugins/marketplace.json`) and Cursor (`.cursor-plugin/marketplace.json`), built from the catalog's
 * skills: one plugin per namespace, whose `skills/<name>/` folders are the skills byte for byte. Pure: the same input
 * always gives the same documents, so a caller can compare them with what it wrote before.
 */

/** A skill as a marketplace lists it. */
export interface MarketplaceSkill {
  readonly namespace: string;
  readonly name: string;
  readonly description: string;
  /** Git's id of the skill folder's tree. */
  readonly treeSha: string;
  readonly updatedAt: Date | string;
}

/**
 * Where a client fetches a plugin from: a git repository whose root is the plugin, pinned to a commit, or a folder
 * next to the marketplace file (only for a marketplace that is itself a git checkout, such as a branch).
 */
export type PluginSource =
  | { readonly kind: 'git'; readonly url: string; readonly ref: string; readonly sha: string }
  | { readonly kind: 'folder'; readonly path: string };

/** One plugin of a marketplace: a namespace's skills, and where its files are. */
export interface MarketplacePluginEntry {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly source: PluginSource;
  readonly skills: readonly string[];
}

export interface MarketplaceIdentity {
  /** Kebab-case: clients show plugins as `<plugin>@<name>`. */
  readonly name: string;
  readonly owner: string;
  /** Where the catalog is, for descriptions (a URL, or the repository's name). */
  readonly origin: string;
}

/** The three files, by their path in a marketplace repository. */
export const MARKETPLACE_PATHS = {
  claudeCode: '.claude-plugin/marketplace.json',
  codex: '.agents/plugins/marketplace.json',
  cursor: '.cursor-plugin/marketplace.json',
} as const;

export type MarketplaceClient = keyof typeof MARKETPLACE_PATHS;
export const MARKETPLACE_CLIENTS = Object.keys(MARKETPLACE_PATHS) as MarketplaceClient[];

/**
 * A version that grows whenever the plugin's skills change: `1.<number of skills>.<last update, in Unix seconds>`.
 * Clients compare plugin versions to decide whether to update, so it must not stand still.
 */
export function pluginVersion(skills: readonly { readonly updatedAt: Date | string }[]): string {
  let latest = 0;
  for (const skill of skills) {
    const at = Math.floor(new Date(skill.updatedAt).getTime() / 1000);
    if (at > latest) latest = at;
  }
  return `1.${skills.length}.${latest}`;
}

/** "Skills of <namespace> from Atlas (<origin>): a, b, c, d, e and 4 more". */
export function pluginDescription(namespace: string, names: readonly string[], origin?: string): string {
  const listed = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  return `Skills of ${namespace} from Atlas${origin === undefined ? '' : ` (${origin})`}: ${listed}`;
}

/** One entry per namespace, in namespace order, each skill under its own name; `sourceOf` says where it lives. */
export function pluginEntries(
  skills: readonly MarketplaceSkill[],
  origin: string,
  sourceOf: (namespace: string, skills: readonly MarketplaceSkill[]) => PluginSource,
): MarketplacePluginEntry[] {
  return groupByNamespace(skills).map(([namespace, own]) => {
    const names = own.map((skill) => skill.name);
    return {
      name: namespace,
      description: pluginDescription(namespace, names, origin),
      version: pluginVersion(own),
      source: sourceOf(namespace, own),
      skills: names,
    };
  });
}

/**
 * The manifest a plugin's own folder carries: the same for every origin it is reached through, so that the folder's
 * tree (and a commit over it) depends on the skills alone.
 */
export function pluginManifest(namespace: string, skills: readonly MarketplaceSkill[]) {
  return {
    name: namespace,
    description: pluginDescription(
      namespace,
      skills.map((skill) => skill.name),
    ),
    version: pluginVersion(skills),
  };
}

/** Skills grouped by namespace, both sorted by code point (the order is part of the documents' bytes). */
export function groupByNamespace(skills: readonly MarketplaceSkill[]): [string, MarketplaceSkill[]][] {
  const groups = new Map<string, MarketplaceSkill[]>();
  for (const skill of skills) {
    const group = groups.get(skill.namespace);
    if (group) group.push(skill);
    else groups.set(skill.namespace, [skill]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([namespace, group]) => [namespace, group.sort((a, b) => byCodePoint(a.name, b.name))]);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function marketplaceDescription(identity: MarketplaceIdentity): string {
  return `The skills of the Atlas catalog at ${identity.origin}, one plugin per namespace`;
}

/** Every update of any plugin changes the marketplace's own version too. */
function marketplaceVersion(plugins: readonly MarketplacePluginEntry[]): string {
  let skills = 0;
  let latest = 0;
  for (const plugin of plugins) {
    const [, count, at] = plugin.version.split('.');
    skills += Number(count);
    latest = Math.max(latest, Number(at));
  }
  return `1.${skills}.${latest}`;
}

/**
 * Claude Code: skills are bundled as plugins with `strict: false` (the entry is the whole definition, so a plugin
 * needs no `.claude-plugin/plugin.json`); a git source is `{source: "url", url, ref, sha}`, a folder a `./` path.
 */
export function claudeCodeMarketplace(identity: MarketplaceIdentity, plugins: readonly MarketplacePluginEntry[]) {
  return {
    name: identity.name,
    owner: { name: identity.owner },
    metadata: { description: marketplaceDescription(identity), version: marketplaceVersion(plugins) },
    plugins: plugins.map((plugin) => ({
      name: plugin.name,
      source: plugin.source.kind === 'git' ? gitSource(plugin.source) : plugin.source.path,
      description: plugin.description,
      version: plugin.version,
      strict: false,
    })),
  };
}

/**
 * Codex: `interface.displayName`, and every entry with `policy` and `category` (Codex skips entries without them);
 * a git source is `{source: "url", url, ref, sha}`, a folder `{source: "local", path}`.
 */
export function codexMarketplace(identity: MarketplaceIdentity, plugins: readonly MarketplacePluginEntry[]) {
  return {
    name: identity.name,
    interface: { displayName: identity.owner },
    plugins: plugins.map((plugin) => ({
      name: plugin.name,
      source:
        plugin.source.kind === 'git'
          ? gitSource(plugin.source)
          : { source: 'local' as const, path: plugin.source.path },
      policy: { installation: 'AVAILABLE' as const, authentication: 'ON_INSTALL' as const },
      category: 'Productivity',
    })),
  };
}

/** Cursor: name, owner, metadata and entries of name, source, description and version. */
export function cursorMarketplace(identity: MarketplaceIdentity, plugins: readonly MarketplacePluginEntry[]) {
  return {
    name: identity.name,
    owner: { name: identity.owner },
    metadata: { description: marketplaceDescription(identity) },
    plugins: plugins.map((plugin) => ({
      name: plugin.name,
      source: plugin.source.kind === 'git' ? gitSource(plugin.source) : plugin.source.path,
      description: plugin.description,
      version: plugin.version,
    })),
  };
}

function gitSource(source: Extract<PluginSource, { kind: 'git' }>) {
  return { source: 'url' as const, url: source.url, ref: source.ref, sha: source.sha };
}

/** The three documents, serialised as they are served and committed (two-space indent, final newline). */
export function marketplaceFiles(
  identity: MarketplaceIdentity,
  plugins: readonly MarketplacePluginEntry[],
): Record<MarketplaceClient, string> {
  return {
    claudeCode: serialise(claudeCodeMarketplace(identity, plugins)),
    codex: serialise(codexMarketplace(identity, plugins)),
    cursor: serialise(cursorMarketplace(identity, plugins)),
  };
}

/**
 * The manifests inside a plugin's own folder, by path: Codex and Cursor read `.codex-plugin/plugin.json` and
 * `.cursor-plugin/plugin.json`. Claude Code gets none: with `strict: false` a manifest that declared components
 * would conflict with the entry.
 */
export function pluginManifestFiles(plugin: Pick<MarketplacePluginEntry, 'name' | 'description' | 'version'>) {
  const manifest = { name: plugin.name, description: plugin.description, version: plugin.version };
  return {
    '.codex-plugin/plugin.json': serialise({ ...manifest, skills: './skills/' }),
    '.cursor-plugin/plugin.json': serialise(manifest),
  } as const;
}

export function serialise(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

// What `atlas export --marketplace` writes: a folder marketplace, one `plugins/<namespace>` folder per plugin.

export interface MarketplacePlugin {
  name: string;
  source: string;
  description: string;
  version: string;
}

/** The plugin of one namespace: `plugins/<namespace>`, whose `skills/<name>/` folders Claude Code reads. */
export function pluginOf(
  namespace: string,
  skills: readonly { readonly name: string; readonly updatedAt: Date | string }[],
  url: string,
): MarketplacePlugin {
  return {
    name: namespace,
    source: `./plugins/${namespace}`,
    description: pluginDescription(
      namespace,
      skills.map((skill) => skill.name),
      url,
    ),
    version: pluginVersion(skills),
  };
}

/** `.claude-plugin/marketplace.json` of a folder marketplace: name, owner, metadata and one plugin per namespace. */
export function marketplaceJson(
  name: string,
  owner: string,
  url: string,
  plugins: readonly MarketplacePlugin[],
  skills: readonly { readonly updatedAt: Date | string }[],
) {
  return {
    name,
    owner: { name: owner },
    metadata: { description: marketplaceDescription({ name, owner, origin: url }), version: pluginVersion(skills) },
    plugins,
  };
}
