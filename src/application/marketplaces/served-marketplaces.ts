import {
  type MarketplaceClient,
  type MarketplaceIdentity,
  type MarketplaceSkill,
  marketplaceFiles,
  pluginEntries,
} from './marketplace-documents.ts';
import { PLUGIN_REPOSITORY_BRANCH, pluginRepositoryHead } from './plugin-repository.ts';

/**
 * The marketplace files Atlas serves: every plugin's source is the git repository Atlas serves for it
 * (`repositoryUrl(namespace)`), pinned to the commit of exactly the skills listed, so what a client installs is what
 * the file promised. Computed from tree ids: no file is read.
 */
export function servedMarketplaceFiles(
  skills: readonly MarketplaceSkill[],
  identity: MarketplaceIdentity,
  repositoryUrl: (namespace: string) => string,
): Record<MarketplaceClient, string> {
  const plugins = pluginEntries(skills, identity.origin, (namespace, own) => ({
    kind: 'git',
    url: repositoryUrl(namespace),
    ref: PLUGIN_REPOSITORY_BRANCH,
    sha: pluginRepositoryHead(namespace, own).commitSha,
  }));
  return marketplaceFiles(identity, plugins);
}
