/**
 * The database schema. Naming convention, PostgreSQL's own: `<table>_pkey`, `<table>_<columns>_key`
 * (unique), `<table>_<column>_fkey`, `<table>_<columns>_idx`, `<table>_<rule>_check`. Every name is
 * spelled out so drizzle-kit and the database agree.
 */
import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
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
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { TOKEN_KINDS, TOKEN_SCOPES } from '../../domain/accounts/api-token.ts';
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

/**
 * The reader keys of `catalog_items.reader`: a viewer may read an item whose key is `everyone`, their own user
 * id or the id of one of their teams; `nobody` is the key of a team-visible personal item without an owner.
 */
export const READER_KEYS = {
  everyone: '00000000-0000-0000-0000-000000000000',
  nobody: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
} as const;

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
    /** An MCP server's server.json `name`; see catalog_items_server_name_key. */
    serverName: text('server_name'),
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
    /** The start of SKILL.md's body, which search reads (CatalogItem.searchText); null when there is none. */
    searchText: text('search_text'),
    /**
     * Who may read the item, as one key the read rule compares with the reader's keys (see READER_KEYS): everyone
     * for `org` items, the team for a team's `team` items, the owner for personal ones (no one, for want of an owner).
     */
    reader: uuid('reader')
      .notNull()
      .generatedAlwaysAs(
        sql.raw(
          `case when visibility = 'org' then '${READER_KEYS.everyone}'::uuid when team_id is not null then team_id ` +
            `else coalesce(owner_user_id, '${READER_KEYS.nobody}'::uuid) end`,
        ),
      ),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'catalog_items_pkey', columns: [t.id] }),
    unique('catalog_items_kind_namespace_name_key').on(t.kind, t.namespace, t.name),
    unique('catalog_items_git_path_key').on(t.gitPath),
    // One live item per server name (the MCP Registry API's key), compared exactly; deleted items keep theirs on record.
    uniqueIndex('catalog_items_server_name_key')
      .on(t.serverName)
      .where(sql`${t.serverName} is not null and ${t.status} <> 'deleted'`),
    foreignKey({
      name: 'catalog_items_owner_user_id_fkey',
      columns: [t.ownerUserId],
      foreignColumns: [users.id],
    }).onDelete('set null'),
    foreignKey({ name: 'catalog_items_team_id_fkey', columns: [t.teamId], foreignColumns: [teams.id] }).onDelete(
      'restrict',
    ),
    index('catalog_items_tags_idx').using('gin', t.tags),
    // DESC NULLS FIRST is what `order by x desc` means: an index in any other order cannot serve the browse.
    index('catalog_items_updated_at_id_idx').on(t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('catalog_items_usage_count_id_idx').on(t.usageCount.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // Covers what a search reads of each of its candidates (filters, facets, sort keys): no visit to the row.
    index('catalog_items_id_covering_idx').on(
      t.id,
      t.kind,
      t.status,
      t.teamId,
      t.ownerUserId,
      t.namespace,
      t.usageCount,
      t.updatedAt,
      t.name,
      t.tags,
    ),
    index('catalog_items_name_id_idx').on(sql`${t.name} collate "C"`, t.id),
    // A namespace's or a team's page, newest or most installed first, walks its own part of these in order. The
    // catalog-wide indexes above would serve it by filtering, which costs the whole catalog when the namespace's
    // items sit together at the far end (a team imported at once, all of them never installed yet).
    index('catalog_items_namespace_updated_at_id_idx').on(
      t.namespace,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('catalog_items_namespace_usage_count_id_idx').on(
      t.namespace,
      t.usageCount.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('catalog_items_team_id_updated_at_id_idx').on(
      t.teamId,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('catalog_items_team_id_usage_count_id_idx').on(
      t.teamId,
      t.usageCount.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('catalog_items_owner_user_id_idx').on(t.ownerUserId),
    check('catalog_items_kind_check', oneOf(t.kind, ITEM_KINDS)),
    check('catalog_items_visibility_check', oneOf(t.visibility, VISIBILITIES)),
    check('catalog_items_status_check', oneOf(t.status, ITEM_STATUSES)),
    check('catalog_items_usage_count_check', sql`${t.usageCount} >= 0`),
  ],
);

/**
 * Search postings, the rank inputs Atlas keeps itself: one row per term of an item (search-text.ts), with the
 * weight of its heaviest field, and what a search filters and orders a term's items by before it reads any
 * row, copied from the item: its installs, reader key and status. Written with the item, in its transaction.
 * The rank index lists a term's items best first, so a search reads at most SEARCH_LIMITS.candidatesPerTerm
 * entries of it, however common the term.
 */
export const catalogSearchTerms = pgTable(
  'catalog_search_terms',
  {
    itemId: uuid('item_id').notNull(),
    term: text('term').notNull(),
    weight: smallint('weight').notNull(),
    usageCount: integer('usage_count').notNull(),
    reader: uuid('reader').notNull(),
    status: text('status', { enum: ITEM_STATUSES }).notNull(),
  },
  (t) => [
    // One row per term of an item, by construction; this index serves rewriting an item's rows.
    index('catalog_search_terms_item_id_idx').on(t.itemId),
    foreignKey({
      name: 'catalog_search_terms_item_id_fkey',
      columns: [t.itemId],
      foreignColumns: [catalogItems.id],
    }).onDelete('cascade'),
    index('catalog_search_terms_term_rank_idx').on(
      t.term,
      t.weight.desc().nullsFirst(),
      t.usageCount.desc().nullsFirst(),
      t.itemId.desc().nullsFirst(),
      t.reader,
      t.status,
    ),
  ],
);

/**
 * Every word items were indexed with (lowercase, as written) and its term: what a misspelt query word is
 * compared with (pg_trgm). Only ever added to; a word whose items are gone finds nothing. No unique key, so
 * that concurrent writers never wait for each other over a word; a rare duplicate is harmless.
 */
export const catalogSearchWords = pgTable(
  'catalog_search_words',
  {
    word: text('word').notNull(),
    term: text('term').notNull(),
  },
  (t) => [
    // In byte order ("C"), so that a prefix is a range: the words a typo's first letters may begin.
    index('catalog_search_words_word_idx').on(sql`${t.word} collate "C"`),
    index('catalog_search_words_word_trgm_idx').using('gin', t.word.op('gin_trgm_ops')),
  ],
);

/** The team of a facet count that stands for items in no team, and the one that stands for any team. */
export const FACET_TEAM = {
  none: '00000000-0000-0000-0000-000000000000',
  any: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
} as const;

const facetCells = {
  reader: uuid('reader').notNull(),
  status: text('status').notNull(),
  /** An item kind, or `*` for every kind. */
  kind: text('kind').notNull(),
  /** A team id, or FACET_TEAM.none (items in no team) or FACET_TEAM.any (every item, whatever its team). */
  teamId: uuid('team_id').notNull(),
  /** A tag, or `*` for every item whatever its tags. */
  tag: text('tag').notNull(),
  count: integer('count').notNull(),
};

/**
 * Facet counts of the whole catalog, kept by the database itself: how many items of each reader key and
 * status carry each kind, team and tag, alone and together (`*` standing for any), so that a browse's facets
 * read a few rows whatever the catalog's size. The trigger on catalog_items appends every change to
 * catalog_facet_changes; readers add those to these, and fold them in now and then (see compactFacetCounts).
 */
export const catalogFacetCounts = pgTable('catalog_facet_counts', facetCells, (t) => [
  // One index per facet: the two other dimensions fixed, then the reader keys and statuses a viewer reads, so a
  // facet reads only that viewer's rows of its own dimension.
  primaryKey({ name: 'catalog_facet_counts_pkey', columns: [t.kind, t.teamId, t.reader, t.status, t.tag] }),
  index('catalog_facet_counts_team_id_tag_idx').on(t.teamId, t.tag, t.reader, t.status, t.kind),
  index('catalog_facet_counts_kind_tag_idx').on(t.kind, t.tag, t.reader, t.status, t.teamId),
]);

/** Changes to catalog_facet_counts not yet folded in, appended by the trigger: writers never wait on a count. */
export const catalogFacetChanges = pgTable('catalog_facet_changes', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  ...facetCells,
});

/** A transaction id as PostgreSQL 13 and later give it (pg_current_xact_id): 64 bits, never wrapping. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * One row per transaction that changed what a search reads before it reads an item (postings, words,
 * memberships), appended by statement triggers in that transaction. An in-process copy of search inputs
 * (search-lists.ts) loaded under a snapshot is stale exactly when a row here is visible now and was not in
 * that snapshot: a check that takes no lock and that writers never wait for. Rows older than an hour are
 * dropped by later writers; copies are never kept that long.
 */
export const catalogSearchChanges = pgTable('catalog_search_changes', {
  xid: xid8('xid').primaryKey().notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
});

/** One row: the version of search-text.ts the postings were written with; a newer one rewrites them at start. */
export const catalogSearchState = pgTable(
  'catalog_search_state',
  {
    id: integer('id').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [
    primaryKey({ name: 'catalog_search_state_pkey', columns: [t.id] }),
    check('catalog_search_state_id_check', sql`${t.id} = 1`),
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
    /** What the token may do (TOKEN_SCOPES); tokens made before scopes existed are `{full}`. */
    scopes: text('scopes', { enum: TOKEN_SCOPES }).array().notNull().default(sql`'{full}'::text[]`),
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
    check(
      'api_tokens_scopes_check',
      sql`cardinality(${t.scopes}) > 0 and ${t.scopes} <@ ${sql.raw(`array[${TOKEN_SCOPES.map((scope) => `'${scope}'`).join(', ')}]::text[]`)}`,
    ),
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

/**
 * What skill discovery serves for each skill folder tree, per packing format (see domain/catalog/skill-artifact.ts).
 * Keyed by content, not by item: a row is true for ever, whichever items point at its tree.
 */
export const skillArtifacts = pgTable(
  'skill_artifacts',
  {
    format: text('format').notNull(),
    treeSha: text('tree_sha').notNull(),
    type: text('type').notNull(),
    digest: text('digest').notNull(),
    paths: text('paths').array().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'skill_artifacts_pkey', columns: [t.format, t.treeSha] }),
    check('skill_artifacts_type_check', sql`${t.type} in ('skill-md', 'archive')`),
  ],
);
