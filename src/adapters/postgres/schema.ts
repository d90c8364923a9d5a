/**
 * The database schema. Naming convention, PostgreSQL's own: `<table>_pkey`, `<table>_<columns>_key`
 * (unique), `<table>_<column>_fkey`, `<table>_<columns>_idx`, `<table>_<rule>_check`. Every name is
 * spelled out so drizzle-kit and the database agree.
 */
import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { TOKEN_KINDS } from '../../domain/accounts/api-token.ts';
import { NAMESPACE_KINDS } from '../../domain/accounts/namespace.ts';
import { TEAM_ROLES } from '../../domain/accounts/team.ts';
import { ITEM_STATUSES, VISIBILITIES } from '../../domain/catalog/catalog-item.ts';
import { ITEM_KINDS } from '../../domain/catalog/item-kind.ts';
import { SYNC_JOB_STATUSES } from '../../domain/sync/sync-job.ts';

/** A check that a text column holds one of the domain's values: the list is defined once, in the domain. */
function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', '))})`;
}

/** Millisecond precision, so a JavaScript Date round-trips exactly and keyset cursors compare equal. */
const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').notNull(),
    email: text('email').notNull(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash'),
    isAdmin: boolean('is_admin').notNull().default(false),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'users_pkey', columns: [t.id] }),
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    unique('users_username_key').on(t.username),
    foreignKey({ name: 'users_username_fkey', columns: [t.username], foreignColumns: [namespaces.name] }),
  ],
);

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').notNull(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'teams_pkey', columns: [t.id] }),
    unique('teams_slug_key').on(t.slug),
    foreignKey({ name: 'teams_slug_fkey', columns: [t.slug], foreignColumns: [namespaces.name] }),
  ],
);

/**
 * The shared name space of users and teams: a user's or team's row references its name here, so a
 * name can be held only once across both.
 */
export const namespaces = pgTable(
  'namespaces',
  {
    name: text('name').notNull(),
    kind: text('kind', { enum: NAMESPACE_KINDS }).notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'namespaces_pkey', columns: [t.name] }),
    check('namespaces_kind_check', oneOf(t.kind, NAMESPACE_KINDS)),
    check('namespaces_name_check', sql`${t.name} = lower(${t.name})`),
  ],
);

export const teamMemberships = pgTable(
  'team_memberships',
  {
    teamId: uuid('team_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role', { enum: TEAM_ROLES }).notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'team_memberships_pkey', columns: [t.teamId, t.userId] }),
    foreignKey({ name: 'team_memberships_team_id_fkey', columns: [t.teamId], foreignColumns: [teams.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ name: 'team_memberships_user_id_fkey', columns: [t.userId], foreignColumns: [users.id] }).onDelete(
      'cascade',
    ),
    index('team_memberships_user_id_idx').on(t.userId),
    check('team_memberships_role_check', oneOf(t.role, TEAM_ROLES)),
  ],
);

export const catalogItems = pgTable(
  'catalog_items',
  {
    id: uuid('id').notNull(),
    kind: text('kind', { enum: ITEM_KINDS }).notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    gitPath: text('git_path').notNull(),
    treeSha: text('tree_sha').notNull(),
    commitSha: text('commit_sha').notNull(),
    manifest: jsonb('manifest').$type<Record<string, unknown>>().notNull(),
    title: text('title'),
    description: text('description').notNull(),
    version: text('version'),
    ownerUserId: uuid('owner_user_id'),
    teamId: uuid('team_id'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull(),
    status: text('status', { enum: ITEM_STATUSES }).notNull(),
    statusMessage: text('status_message'),
    problems: jsonb('problems').$type<{ path: string; message: string }[]>().notNull().default(sql`'[]'::jsonb`),
    usageCount: integer('usage_count').notNull().default(0),
    /** History before this moment belongs to an earlier item of the same name (deleted, then reused). */
    historySince: at('history_since'),
    /** Weighted full-text document, written with every insert and update (see search-document.ts). */
    search: tsvector('search').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'catalog_items_pkey', columns: [t.id] }),
    unique('catalog_items_kind_namespace_name_key').on(t.kind, t.namespace, t.name),
    unique('catalog_items_git_path_key').on(t.gitPath),
    foreignKey({
      name: 'catalog_items_owner_user_id_fkey',
      columns: [t.ownerUserId],
      foreignColumns: [users.id],
    }).onDelete('set null'),
    foreignKey({ name: 'catalog_items_team_id_fkey', columns: [t.teamId], foreignColumns: [teams.id] }).onDelete(
      'restrict',
    ),
    index('catalog_items_search_idx').using('gin', t.search),
    index('catalog_items_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('catalog_items_tags_idx').using('gin', t.tags),
    index('catalog_items_updated_at_id_idx').on(t.updatedAt.desc(), t.id.desc()),
    index('catalog_items_usage_count_id_idx').on(t.usageCount.desc(), t.id.desc()),
    index('catalog_items_name_id_idx').on(sql`${t.name} collate "C"`, t.id),
    index('catalog_items_namespace_idx').on(t.namespace),
    index('catalog_items_team_id_idx').on(t.teamId),
    index('catalog_items_owner_user_id_idx').on(t.ownerUserId),
    check('catalog_items_kind_check', oneOf(t.kind, ITEM_KINDS)),
    check('catalog_items_visibility_check', oneOf(t.visibility, VISIBILITIES)),
    check('catalog_items_status_check', oneOf(t.status, ITEM_STATUSES)),
    check('catalog_items_usage_count_check', sql`${t.usageCount} >= 0`),
  ],
);

export const itemVersions = pgTable(
  'item_versions',
  {
    id: uuid('id').notNull(),
    itemId: uuid('item_id').notNull(),
    commitSha: text('commit_sha').notNull(),
    treeSha: text('tree_sha').notNull(),
    version: text('version'),
    publishedBy: uuid('published_by'),
    /** The manifest as parsed at this commit, so a read of an old version never parses it again. */
    manifest: jsonb('manifest').$type<Record<string, unknown>>(),
    /** Who could read the item when this version was written: history is read by that rule, not today's. */
    visibility: text('visibility', { enum: VISIBILITIES }),
    teamId: uuid('team_id'),
    ownerUserId: uuid('owner_user_id'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'item_versions_pkey', columns: [t.id] }),
    unique('item_versions_item_id_commit_sha_key').on(t.itemId, t.commitSha),
    check('item_versions_visibility_check', oneOf(t.visibility, VISIBILITIES)),
    index('item_versions_item_id_version_idx').on(t.itemId, t.version),
    foreignKey({ name: 'item_versions_item_id_fkey', columns: [t.itemId], foreignColumns: [catalogItems.id] }).onDelete(
      'cascade',
    ),
    foreignKey({
      name: 'item_versions_published_by_fkey',
      columns: [t.publishedBy],
      foreignColumns: [users.id],
    }).onDelete('set null'),
  ],
);

export const installEvents = pgTable(
  'install_events',
  {
    id: uuid('id').notNull(),
    itemId: uuid('item_id').notNull(),
    userId: uuid('user_id'),
    /** Who installed: a user id, or a digest of an anonymous caller's address. One count a day each. */
    installer: text('installer').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    client: text('client').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'install_events_pkey', columns: [t.id] }),
    unique('install_events_item_id_installer_day_key').on(t.itemId, t.installer, t.day),
    foreignKey({
      name: 'install_events_item_id_fkey',
      columns: [t.itemId],
      foreignColumns: [catalogItems.id],
    }).onDelete('cascade'),
    foreignKey({ name: 'install_events_user_id_fkey', columns: [t.userId], foreignColumns: [users.id] }).onDelete(
      'set null',
    ),
    index('install_events_item_id_idx').on(t.itemId),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    kind: text('kind', { enum: TOKEN_KINDS }).notNull(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    displayPrefix: text('display_prefix').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at'),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [
    primaryKey({ name: 'api_tokens_pkey', columns: [t.id] }),
    unique('api_tokens_token_hash_key').on(t.tokenHash),
    foreignKey({ name: 'api_tokens_user_id_fkey', columns: [t.userId], foreignColumns: [users.id] }).onDelete(
      'cascade',
    ),
    index('api_tokens_user_id_idx').on(t.userId),
    check('api_tokens_kind_check', oneOf(t.kind, TOKEN_KINDS)),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').notNull(),
    at: at('at').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    target: text('target').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    ip: text('ip'),
  },
  (t) => [
    primaryKey({ name: 'audit_log_pkey', columns: [t.id] }),
    index('audit_log_actor_id_idx').on(t.actorId),
    index('audit_log_action_idx').on(t.action),
    index('audit_log_target_idx').on(t.target),
  ],
);

/** Every GitHub webhook delivery received, keyed by X-GitHub-Delivery: a repeat is recognised and ignored. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    /** `queued` when it asked for a sync, `ignored` (ping, another branch or repository). */
    outcome: text('outcome', { enum: ['queued', 'ignored'] }).notNull(),
    afterSha: text('after_sha'),
    receivedAt: at('received_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'webhook_deliveries_pkey', columns: [t.deliveryId] }),
    check('webhook_deliveries_outcome_check', sql`${t.outcome} in ('queued', 'ignored')`),
  ],
);

/** The sync queue: claimed with FOR UPDATE SKIP LOCKED, retried with backoff, parked as failed. */
export const syncJobs = pgTable(
  'sync_jobs',
  {
    id: uuid('id').notNull(),
    reason: text('reason').notNull(),
    deliveryId: text('delivery_id'),
    afterSha: text('after_sha'),
    status: text('status', { enum: SYNC_JOB_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAfter: at('run_after').notNull(),
    lockedBy: text('locked_by'),
    lockedUntil: at('locked_until'),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'sync_jobs_pkey', columns: [t.id] }),
    index('sync_jobs_status_run_after_idx').on(t.status, t.runAfter),
    check('sync_jobs_status_check', oneOf(t.status, SYNC_JOB_STATUSES)),
  ],
);

/** One row: how far the catalog has followed the content branch, and the last verification. */
export const syncState = pgTable(
  'sync_state',
  {
    id: integer('id').notNull(),
    lastSyncedSha: text('last_synced_sha'),
    lastSyncedAt: at('last_synced_at'),
    lastVerifiedAt: at('last_verified_at'),
    lastVerifyReport: jsonb('last_verify_report').$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ name: 'sync_state_pkey', columns: [t.id] }), check('sync_state_id_check', sql`${t.id} = 1`)],
);
