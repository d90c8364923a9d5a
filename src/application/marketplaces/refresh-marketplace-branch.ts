import type { GeneratedBranch, GeneratedObject } from '../../domain/content/generated-branch.ts';
import { encodeTree, FILE_MODE, type GitTreeEntry, gitObjectId, TREE_MODE } from '../../domain/content/tree-id.ts';
import type { AtlasDeps } from '../deps.ts';
import { listSkillsAs } from './list-marketplace-skills.ts';
import {
  MARKETPLACE_PATHS,
  type MarketplaceIdentity,
  type MarketplaceSkill,
  marketplaceFiles,
  pluginEntries,
} from './marketplace-documents.ts';
import { type GitObject, pluginRepositoryHead, writeTrees } from './plugin-repository.ts';

export interface MarketplaceBranchResult {
  /** The branch's commit after the refresh. */
  readonly commitSha: string;
  /** False when the branch already held exactly these files, and nothing was committed. */
  readonly changed: boolean;
  readonly plugins: number;
  readonly skills: number;
}

/** The branch's whole tree for these skills, with the objects it is made of (the skills' own trees excepted). */
export interface MarketplaceBranchTree {
  readonly tree: string;
  readonly objects: GeneratedObject[];
  readonly plugins: number;
}

/**
 * The marketplace branch's tree: the three marketplace files at their places, and `plugins/<namespace>/` for each
 * namespace, whose `skills/<name>` entries are the skills' own trees from the content branch (nothing is copied or
 * read). A plugin folder is exactly the repository Atlas serves for the plugin over HTTP, so both ways install the
 * same bytes. Sources are `./plugins/<namespace>`: the marketplace is a git checkout, pinned by its own commit.
 */
export function marketplaceBranchTree(
  skills: readonly MarketplaceSkill[],
  identity: MarketplaceIdentity,
): MarketplaceBranchTree {
  const objects = new Map<string, GeneratedObject>();
  const keep = (sha: string, object: GitObject) => {
    if (object.type === 'blob') objects.set(sha, { type: 'blob', sha, content: object.body });
    else if (object.type === 'tree' && object.entries) objects.set(sha, { type: 'tree', sha, entries: object.entries });
  };
  const folders: GitTreeEntry[] = [];
  const plugins = pluginEntries(skills, identity.origin, (namespace, own) => {
    const head = pluginRepositoryHead(namespace, own);
    for (const [sha, object] of head.own) keep(sha, object);
    folders.push({ name: namespace, mode: TREE_MODE, sha: head.treeSha });
    return { kind: 'folder', path: `./plugins/${namespace}` };
  });
  const putTree = (entries: readonly GitTreeEntry[]) => {
    const sha = gitObjectId('tree', encodeTree(entries));
    objects.set(sha, { type: 'tree', sha, entries });
    return sha;
  };
  const documents = marketplaceFiles(identity, plugins);
  const files = Object.entries(MARKETPLACE_PATHS).map(([client, path]) => {
    const content = Buffer.from(documents[client as keyof typeof MARKETPLACE_PATHS]);
    const sha = gitObjectId('blob', content);
    objects.set(sha, { type: 'blob', sha, content });
    return { path, mode: FILE_MODE, sha };
  });
  const root = writeTrees(files, putTree);
  root.push({ name: 'plugins', mode: TREE_MODE, sha: putTree(folders) });
  return { tree: putTree(root), objects: [...objects.values()], plugins: plugins.length };
}

/**
 * Writes the marketplace files on their branch, in one commit, from the org-visible active skills only (what any
 * signed-in reader may see: a team-only skill never reaches a branch everyone who can clone the repository reads).
 * - nothing is committed when the branch already holds exactly this tree;
 * - the branch is never the content branch, so it cannot conflict with a publish, and sync never reads it;
 * - StaleRevisionError when another process moved the branch meanwhile (the next refresh catches up).
 */
export async function refreshMarketplaceBranch(
  deps: Pick<AtlasDeps, 'db'>,
  branch: GeneratedBranch,
  identity: MarketplaceIdentity,
): Promise<MarketplaceBranchResult> {
  const skills = await listSkillsAs(deps, { kind: 'anonymous' });
  const built = marketplaceBranchTree(skills, identity);
  const head = await branch.head();
  const counts = { plugins: built.plugins, skills: skills.length };
  if (head?.treeSha === built.tree) return { commitSha: head.commitSha, changed: false, ...counts };
  const commitSha = await branch.commit({
    tree: built.tree,
    objects: built.objects,
    message: `Marketplaces: ${built.plugins} plugin${built.plugins === 1 ? '' : 's'}, ${skills.length} skill${skills.length === 1 ? '' : 's'}`,
    expectedHead: head?.commitSha,
  });
  return { commitSha, changed: true, ...counts };
}
