import type { Item } from '../http/schemas/items.ts';

export interface MarketplacePlugin {
  name: string;
  source: string;
  description: string;
  version: string;
}

/**
 * A version that grows whenever the plugin's skills change: `1.<number of skills>.<last update, in Unix seconds>`.
 * Claude Code compares plugin versions to decide whether to update, so it must not stand still.
 */
export function pluginVersion(skills: readonly Pick<Item, 'updatedAt'>[]): string {
  const latest = Math.max(0, ...skills.map((skill) => Math.floor(Date.parse(skill.updatedAt) / 1000)));
  return `1.${skills.length}.${latest}`;
}

/** The plugin of one namespace: `plugins/<namespace>`, whose `skills/<name>/` folders Claude Code reads. */
export function pluginOf(namespace: string, skills: readonly Item[], url: string): MarketplacePlugin {
  const names = skills.map((skill) => skill.name);
  const listed = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  return {
    name: namespace,
    source: `./plugins/${namespace}`,
    description: `Skills of ${namespace} from Atlas (${url}): ${listed}`,
    version: pluginVersion(skills),
  };
}

/** `.claude-plugin/marketplace.json`: name, owner, metadata and one plugin per namespace. */
export function marketplaceJson(
  name: string,
  owner: string,
  url: string,
  plugins: readonly MarketplacePlugin[],
  skills: readonly Item[],
) {
  return {
    name,
    owner: { name: owner },
    metadata: {
      description: `The skills of the Atlas catalog at ${url}, one plugin per namespace`,
      version: pluginVersion(skills),
    },
    plugins,
  };
}
