import type { Actor } from '../../domain/accounts/actor.ts';
import type { Authorizer } from '../../domain/accounts/authorizer.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';

/**
 * Authorisation off, for a single-user laptop: anyone may read everything and every signed-in
 * user may change anything. Writes still need a signed-in user, so the audit log names who.
 */
export class PermissiveAuthorizer implements Authorizer {
  isAdmin(actor: Actor): boolean {
    return actor.user !== null;
  }

  viewerOf(): Viewer {
    return { kind: 'admin' };
  }

  canBrowse(): boolean {
    return true;
  }

  async canReadItem(): Promise<boolean> {
    return true;
  }

  async canPublish(actor: Actor): Promise<boolean> {
    return actor.user !== null;
  }

  async canEditItem(actor: Actor): Promise<boolean> {
    return actor.user !== null;
  }

  async canDeleteItem(actor: Actor): Promise<boolean> {
    return actor.user !== null;
  }

  async canMaintainTeam(actor: Actor): Promise<boolean> {
    return actor.user !== null;
  }

  async canManageTeam(actor: Actor): Promise<boolean> {
    return actor.user !== null;
  }

  canManageUser(actor: Actor): boolean {
    return actor.user !== null;
  }
}
