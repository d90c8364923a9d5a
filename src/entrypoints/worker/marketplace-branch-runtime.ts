import { catalogRevision } from '../../application/catalog/skill-index.ts';
import type { AtlasDeps } from '../../application/deps.ts';
import type { MarketplaceIdentity } from '../../application/marketplaces/marketplace-documents.ts';
import {
  type MarketplaceBranchResult,
  refreshMarketplaceBranch,
} from '../../application/marketplaces/refresh-marketplace-branch.ts';
import type { GeneratedBranch } from '../../domain/content/generated-branch.ts';

export interface MarketplaceBranchRuntimeOptions {
  readonly log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
  readonly identity: MarketplaceIdentity;
  /** How often the catalog's revision is looked at (three one-row reads); 5 s by default. */
  readonly checkMs?: number;
  /** How long the catalog must stay still after a change before the branch is written; 2 s by default. */
  readonly quietMs?: number;
}

export interface MarketplaceBranchRuntime {
  /** Regenerates now if the catalog changed since the last refresh (or `force`); undefined when nothing ran. */
  refreshNow(force?: boolean): Promise<MarketplaceBranchResult | undefined>;
  stop(): Promise<void>;
}

/**
 * Keeps the marketplace branch current, off the publish path: a loop looks at the catalog's revision every
 * `checkMs`; after a change it waits until the catalog has been still for `quietMs` (publishes in a burst make
 * one commit), then regenerates the three files in one commit, under an advisory lock so that one process of many
 * writes it. A failed refresh is logged and tried again at the next check.
 */
export function startMarketplaceBranchRuntime(
  deps: AtlasDeps,
  branch: GeneratedBranch,
  options: MarketplaceBranchRuntimeOptions,
): MarketplaceBranchRuntime {
  const { log } = options;
  const checkMs = options.checkMs ?? 5000;
  const quietMs = options.quietMs ?? 2000;
  let running = true;
  let written: string | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  let chain: Promise<unknown> = Promise.resolve();
  const refreshNow = (force = false): Promise<MarketplaceBranchResult | undefined> => {
    const run = chain.then(async () => {
      const revision = await catalogRevision(deps);
      if (!force && revision === written) return undefined;
      let result: MarketplaceBranchResult | undefined;
      const ran = await deps.db.locks.tryRun(`marketplace-branch:${branch.name}`, async () => {
        result = await refreshMarketplaceBranch(deps, branch, options.identity);
      });
      if (!ran) return undefined;
      written = revision;
      if (result?.changed) {
        log.info(
          { branch: branch.name, commit: result.commitSha, plugins: result.plugins, skills: result.skills },
          'marketplace branch written',
        );
      }
      return result;
    });
    chain = run.catch(() => undefined);
    return run;
  };

  const loop = async () => {
    while (running) {
      try {
        const seen = await catalogRevision(deps);
        if (seen !== written) {
          // Wait for the burst to end: a revision that still moves is not written yet.
          let settled = seen;
          for (;;) {
            await sleep(quietMs);
            if (!running) return;
            const now = await catalogRevision(deps);
            if (now === settled) break;
            settled = now;
          }
          await refreshNow();
        }
      } catch (error) {
        log.warn({ err: error, branch: branch.name }, 'marketplace branch refresh failed; will try again');
      }
      await sleep(checkMs);
    }
  };
  const looping = loop();

  return {
    refreshNow,
    async stop() {
      running = false;
      wake?.();
      await looping;
      await chain;
    },
  };
}
