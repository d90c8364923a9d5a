import type { ContentStore } from '../../domain/content/content-store.ts';
import {
  encodeTree,
  FILE_MODE,
  fileMode,
  type GitObjectType,
  type GitTreeEntry,
  gitObjectId,
  splitFolder,
  TREE_MODE,
  type TreeFile,
} from '../../domain/content/tree-id.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { type MarketplaceSkill, pluginManifest, pluginManifestFiles } from './marketplace-documents.ts';

/** A skill with the pointers to its files in the content repository. */
export interface StoredSkill extends MarketplaceSkill {
  readonly gitPath: string;
  readonly commitSha: string;
}

/** A git object: its type and body, as git hashes it, and a tree's entries. */
export interface GitObject {
  readonly type: GitObjectType;
  readonly body: Uint8Array;
  readonly entries?: readonly GitTreeEntry[];
}

/**
 * A plugin as a git repository of its own: at its root the plugin manifests Codex and Cursor read, and
 * `skills/<name>/`, whose trees are the skills' own trees (same ids as in the content repository). One commit, on
 * `main`, with a fixed author and date: the same skills always give the same commit, so a marketplace can pin it
 * and every server of the same catalog answers the same id.
 */
export interface PluginRepositoryHead {
  readonly commitSha: string;
  readonly treeSha: string;
  /** The objects made for the repository (commit, root, `skills/`, manifests); the skills' objects are not here. */
  readonly own: ReadonlyMap<string, GitObject>;
}

export const PLUGIN_REPOSITORY_BRANCH = 'main';
const AUTHOR = 'Atlas <atlas@localhost> 946684800 +0000';

/** The repository's head, computed from tree ids alone: no file is read. */
export function pluginRepositoryHead(namespace: string, unsorted: readonly MarketplaceSkill[]): PluginRepositoryHead {
  // In code point order whatever the caller's, as a marketplace lists them: the manifest names them.
  const skills = [...unsorted].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const plugin = pluginManifest(namespace, skills);
  const own = new Map<string, GitObject>();
  const put = (type: GitObjectType, body: Uint8Array, entries?: readonly GitTreeEntry[]) => {
    const sha = gitObjectId(type, body);
    own.set(sha, entries ? { type, body, entries } : { type, body });
    return sha;
  };
  const putTree = (entries: readonly GitTreeEntry[]) => put('tree', encodeTree(entries), entries);
  const files: TreeFile[] = Object.entries(pluginManifestFiles(plugin)).map(([path, text]) => ({
    path,
    mode: FILE_MODE,
    sha: put('blob', Buffer.from(text)),
  }));
  const root = writeTrees(files, putTree);
  const skillsTree = putTree(skills.map((skill) => ({ name: skill.name, mode: TREE_MODE, sha: skill.treeSha })));
  const rootTree = putTree([...root, { name: 'skills', mode: TREE_MODE, sha: skillsTree }]);
  const message = `${plugin.name} ${plugin.version}\n`;
  const commitSha = put('commit', Buffer.from(`tree ${rootTree}\nauthor ${AUTHOR}\ncommitter ${AUTHOR}\n\n${message}`));
  return { commitSha, treeSha: rootTree, own };
}

/** The entries of a folder holding these files, storing every subtree through `putTree`. */
export function writeTrees(
  files: readonly TreeFile[],
  putTree: (entries: readonly GitTreeEntry[]) => string,
): GitTreeEntry[] {
  const { direct, folders } = splitFolder(files);
  const entries: GitTreeEntry[] = [...direct];
  for (const [name, inner] of folders)
    entries.push({ name, mode: TREE_MODE, sha: putTree(writeTrees(inner, putTree)) });
  return entries;
}

/**
 * Every object of the plugin repository: its own, and each skill's trees and files, read from the content store
 * at the skill's commit. A skill whose files no longer hash to its recorded tree (a row that sync is about to
 * repair) would make the repository incomplete, so it is NotFoundError, as a missing folder is.
 */
export async function loadPluginRepository(
  content: Pick<ContentStore, 'readItem'>,
  head: PluginRepositoryHead,
  skills: readonly StoredSkill[],
): Promise<Map<string, GitObject>> {
  const objects = new Map(head.own);
  const put = (type: GitObjectType, body: Uint8Array) => {
    const sha = gitObjectId(type, body);
    objects.set(sha, { type, body });
    return sha;
  };
  for (const skill of skills) {
    const snapshot = await content.readItem(skill.gitPath, skill.commitSha);
    if (!snapshot) throw new NotFoundError(`skill ${skill.namespace}/${skill.name} has no files`);
    const files = snapshot.files.map((file) => ({
      path: file.path,
      mode: fileMode(file.executable),
      sha: put('blob', file.content),
    }));
    const putTree = (entries: readonly GitTreeEntry[]) => put('tree', encodeTree(entries));
    const tree = putTree(writeTrees(files, putTree));
    if (tree !== skill.treeSha) throw new NotFoundError(`skill ${skill.namespace}/${skill.name} changed in git`);
  }
  return objects;
}
