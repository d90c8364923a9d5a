import type { ItemFile } from '../../domain/content/content-store.ts';
import { parseSkillMd, renderStrictSkillMd, strictSkillFrontmatter } from '../../domain/manifests/skill-md.ts';
import type { Item } from '../http/schemas/items.ts';

/** A skill as the marketplace holds it. */
export interface ExportedSkill {
  readonly files: ItemFile[];
  /** SKILL.md was rewritten for the Agent Skills spec. */
  readonly rewritten: boolean;
  /** Frontmatter fields the spec does not define, left out of the rewritten SKILL.md. */
  readonly dropped: string[];
}

/** JSON with keys sorted, to compare objects regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/**
 * A skill's files as the strictest consumer (the Agent Skills spec) accepts them. A SKILL.md whose frontmatter is
 * already what the spec allows is kept byte for byte, so the folder keeps its git tree SHA; one with extra fields,
 * a top-level `version`, an `allowed-tools` list or non-text metadata is rewritten by renderStrictSkillMd.
 */
export function strictSkillFiles(files: readonly ItemFile[], name: string): ExportedSkill {
  const skill = files.find((file) => file.path === 'SKILL.md');
  if (!skill) return { files: [...files], rewritten: false, dropped: [] };
  const parsed = parseSkillMd(skill.content, name);
  const strict = strictSkillFrontmatter(parsed.manifest);
  const metadataWasRetyped = parsed.warnings.some((warning) => warning.path.startsWith('SKILL.md#/metadata/'));
  if (canonical(strict.frontmatter) === canonical(parsed.manifest) && !metadataWasRetyped) {
    return { files: [...files], rewritten: false, dropped: [] };
  }
  const content = new TextEncoder().encode(renderStrictSkillMd({ manifest: parsed.manifest, body: parsed.body }));
  return {
    files: files.map((file) => (file.path === 'SKILL.md' ? { ...file, content } : file)),
    rewritten: true,
    dropped: strict.dropped,
  };
}

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
