import type { ApiToken } from '../../domain/accounts/api-token.ts';
import type { Namespace } from '../../domain/accounts/namespace.ts';
import type { Team, TeamMembership } from '../../domain/accounts/team.ts';
import type { User } from '../../domain/accounts/user.ts';
import type { AuditEntry } from '../../domain/audit/audit-entry.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { InstallEvent, ItemVersion } from '../../domain/catalog/item-version.ts';
import type { SkillArtifact } from '../../domain/catalog/skill-artifact.ts';
import type { Page } from '../../domain/page.ts';
import type { SyncJob, SyncState, WebhookDelivery } from '../../domain/sync/sync-job.ts';
import { InMemoryTable } from './in-memory-table.ts';

/** Everything the in-memory database holds, table by table; rows are keyed by id unless noted. */
export class InMemoryState {
  readonly users: InMemoryTable<User>;
  readonly teams: InMemoryTable<Team>;
  /** Keyed `${teamId}/${userId}`. */
  readonly memberships: InMemoryTable<TeamMembership>;
  /** Keyed by lowercase name. */
  readonly namespaces: InMemoryTable<Namespace>;
  readonly items: InMemoryTable<CatalogItem>;
  readonly versions: InMemoryTable<ItemVersion>;
  readonly installs: InMemoryTable<InstallEvent>;
  readonly tokens: InMemoryTable<ApiToken>;
  readonly audit: InMemoryTable<AuditEntry>;
  /** Keyed by delivery id. */
  readonly deliveries: InMemoryTable<WebhookDelivery>;
  readonly jobs: InMemoryTable<SyncJob>;
  /** One row at most: InMemorySyncRepository keeps the sync state there. */
  readonly syncState: InMemoryTable<SyncState>;
  /** Keyed `${format}/${treeSha}`. */
  readonly skillArtifacts: InMemoryTable<SkillArtifact>;

  /** An empty state, or an overlay of `shared` for one transaction (see InMemoryTable). */
  constructor(shared?: InMemoryState) {
    this.users = new InMemoryTable(shared?.users);
    this.teams = new InMemoryTable(shared?.teams);
    this.memberships = new InMemoryTable(shared?.memberships);
    this.namespaces = new InMemoryTable(shared?.namespaces);
    this.items = new InMemoryTable(shared?.items);
    this.versions = new InMemoryTable(shared?.versions);
    this.installs = new InMemoryTable(shared?.installs);
    this.tokens = new InMemoryTable(shared?.tokens);
    this.audit = new InMemoryTable(shared?.audit);
    this.deliveries = new InMemoryTable(shared?.deliveries);
    this.jobs = new InMemoryTable(shared?.jobs);
    this.syncState = new InMemoryTable(shared?.syncState);
    this.skillArtifacts = new InMemoryTable(shared?.skillArtifacts);
  }

  overlay(): InMemoryState {
    return new InMemoryState(this);
  }

  commit(): void {
    for (const table of this.#tables()) table.commit();
  }

  clear(): void {
    for (const table of this.#tables()) table.clear();
  }

  #tables() {
    return [
      this.users,
      this.teams,
      this.memberships,
      this.namespaces,
      this.items,
      this.versions,
      this.installs,
      this.tokens,
      this.audit,
      this.deliveries,
      this.jobs,
      this.syncState,
      this.skillArtifacts,
    ];
  }
}

/** Rows go in and come out as copies, so no caller holds a reference into a table. */
export const copy = <T>(value: T): T => structuredClone(value);
export const lower = (s: string) => s.toLowerCase();

export function pageOf<T>(sorted: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const items = sorted.slice(0, limit);
  const last = items.at(-1);
  return sorted.length > limit && last !== undefined ? { items, nextCursor: cursorOf(last) } : { items };
}
