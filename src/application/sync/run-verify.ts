import type { Actor } from '../../domain/accounts/actor.ts';
import type { AtlasDeps } from '../deps.ts';
import { requireAdmin } from './get-sync-status.ts';
import { type VerifyReport, verifyCatalog } from './verify-catalog.ts';

/** Runs the verifier now (and repairs drift with `repair`). For admins. */
export async function runVerify(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'authorizer' | 'limits'>,
  options: { repair?: boolean },
  actor: Actor,
): Promise<VerifyReport> {
  requireAdmin(deps, actor);
  return verifyCatalog(deps, options);
}
