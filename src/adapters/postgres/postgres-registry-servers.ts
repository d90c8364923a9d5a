import { type SQL, sql } from 'drizzle-orm';
import type {
  RegistryServerLookup,
  RegistryServerQuery,
  RegistryServerVersion,
} from '../../domain/catalog/item-repository.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Page } from '../../domain/page.ts';
import type { Db } from './connection.ts';
import { itemFromRow } from './postgres-item-search.ts';
import { readPrepared, writtenLimit } from './prepared-statements.ts';
import { catalogItems as items, itemVersions, READER_KEYS, teamMemberships, teams } from './schema.ts';

const CURSOR_TAG = 'registry';

/**
 * The MCP Registry API's reads of MCP server items (see RegistryServerQuery), ordered by server name in the
 * database's collation (catalog_items_server_name_key serves the order), then version byte by byte, then item id.
 * The servers are filtered in
 * `servers`, their versions listed in `entries` (the item's current manifest as its latest version, then the newest
 * publish of every other manifest version), and only the rows of one page are joined back to their items.
 */
export async function registryServerPage(db: Db, query: RegistryServerQuery): Promise<Page<RegistryServerVersion>> {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(CURSOR_TAG, query.cursor, 3);
  const search = query.search?.trim();
  const like = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const servers = sql`
    select i.id, i.server_name, i.version, i.manifest, i.reader, i.history_since
    from ${items} i
    where ${serverFilter(query)}
      ${query.updatedSince ? sql`and i.updated_at >= ${query.updatedSince.toISOString()}::timestamptz` : sql``}
      ${like ? sql`and (i.server_name ilike ${like} or i.title ilike ${like} or i.description ilike ${like})` : sql``}`;
  const only = query.version === undefined || query.version === 'latest' ? undefined : query.version;
  const after =
    cursor === undefined
      ? sql`true`
      : // The first comparison alone is what lets the index start the scan at the cursor.
        sql`e.server_name >= ${cursor[0]} and (e.server_name, e.version collate "C", e.item_id) > (${cursor[0]}, ${cursor[1]} collate "C", ${cursor[2]}::uuid)`;
  // Every server has its latest version among the entries unless one version is asked for, so a page of n entries
  // after the cursor holds the servers of at most the next n + 1 names from the cursor's on (the cursor's own may
  // have none left): only those are expanded to their versions, walking the name index, not every server of the
  // catalog (the first page of every version, VS Code's probe, cost 22-35 ms at 5,000 servers on PGlite).
  const pageServers =
    only === undefined
      ? sql`
      matching as not materialized (${servers}),
      servers as (
        select m.* from matching m
        where m.server_name in (
          select distinct n.server_name from matching n
          where ${cursor === undefined ? sql`true` : sql`n.server_name >= ${cursor[0]}`}
          order by n.server_name
          limit ${writtenLimit(query.limit + 2)})
      )`
      : sql`servers as (${servers})`;
  const rows = await readPrepared<Record<string, unknown>>(
    db,
    'atlas_registry',
    sql`
      with ${pageServers},
      entries as (${entriesOf(query.viewer, query.version === 'latest', only)}),
      page as (
        select e.* from entries e
        where ${after}
        order by e.server_name, e.version collate "C", e.item_id
        limit ${writtenLimit(query.limit + 1)}
      )
      ${joined(sql`page`)}
      order by p.server_name, p.version collate "C", p.item_id`,
  );
  const found = rows.slice(0, query.limit).map(entryOf);
  const last = found.at(-1);
  return rows.length > query.limit && last
    ? { items: found, nextCursor: encodeCursor(CURSOR_TAG, [last.serverName, last.version, last.item.id]) }
    : { items: found };
}

export async function registryServerVersions(db: Db, query: RegistryServerLookup): Promise<RegistryServerVersion[]> {
  // The live item holds the name (catalog_items_server_name_key serves the lookup); a deleted one only answers
  // when there is no live one.
  const servers = sql`
    select i.id, i.server_name, i.version, i.manifest, i.reader, i.history_since
    from ${items} i
    where i.server_name = ${query.serverName} and ${serverFilter(query)}
    order by i.status = 'deleted', i.updated_at desc
    limit 1`;
  const rows = await readPrepared<Record<string, unknown>>(
    db,
    'atlas_registry',
    sql`
      with servers as (${servers}),
      entries as (${entriesOf(query.viewer, false, undefined)}),
      page as (select * from entries)
      ${joined(sql`page`)}
      order by p.is_latest desc, p.at desc`,
  );
  return rows.map(entryOf);
}

/** The items that are servers the viewer may read, as the query narrows them. */
function serverFilter(query: Omit<RegistryServerLookup, 'serverName'>): SQL {
  // Without deleted items, the predicate of catalog_items_server_name_key, so that index serves lookups and pages.
  const statuses = query.includeDeleted
    ? sql`i.status in ('active', 'deprecated', 'deleted')`
    : sql`i.status <> 'deleted' and i.status in ('active', 'deprecated')`;
  return sql`i.kind = 'mcp' and i.server_name is not null and i.version is not null
    and ${statuses}
    and ${readable(sql`i.reader`, query.viewer)}
    ${query.teamId === undefined ? sql`` : sql`and i.team_id = ${query.teamId}::uuid`}`;
}

/**
 * The versions of `servers`: each item's current manifest as its latest, then (unless only the latest is asked
 * for) the newest publish of every other manifest version it recorded, when that publish kept its manifest and the
 * viewer could read it when it was written. `at` is that newest publish (null for the latest).
 */
function entriesOf(viewer: Viewer, latestOnly: boolean, only: string | undefined): SQL {
  const latest = sql`
    select s.id as item_id, s.server_name, s.version, s.manifest, true as is_latest, null::timestamptz as at
    from servers s
    ${only === undefined ? sql`` : sql`where s.version = ${only}`}`;
  if (latestOnly) return latest;
  const versionReader = sql`case when o.visibility is null then o.item_reader
    when o.visibility = 'org' then ${READER_KEYS.everyone}::uuid
    when o.team_id is not null then o.team_id
    else coalesce(o.owner_user_id, ${READER_KEYS.nobody}::uuid) end`;
  return sql`${latest}
    union all
    select o.item_id, o.server_name, o.version, o.manifest, false, o.created_at
    from (
      select distinct on (v.item_id, v.version) v.item_id, s.server_name, v.version, v.manifest, v.created_at,
        v.visibility, v.team_id, v.owner_user_id, s.reader as item_reader
      from servers s join ${itemVersions} v on v.item_id = s.id
      where v.version is not null and v.version <> s.version
        and (s.history_since is null or v.created_at >= s.history_since)
        ${only === undefined ? sql`` : sql`and v.version = ${only}`}
      order by v.item_id, v.version, v.created_at desc, v.id desc
    ) o
    where o.manifest is not null and ${readable(versionReader, viewer)}`;
}

/** The rows of `page` with their items, team slugs and first publish of their version. */
function joined(page: SQL): SQL {
  return sql`
    select i.*, t.slug as registry_team, p.server_name, p.version as registry_version, p.manifest as registry_manifest,
      p.is_latest, p.item_id, p.at,
      to_json(coalesce(
        (select min(f.created_at) from ${itemVersions} f
          where f.item_id = p.item_id and f.version = p.version
            and (i.history_since is null or f.created_at >= i.history_since)),
        p.at, i.created_at)) #>> '{}' as published_at
    from ${page} p
    join ${items} i on i.id = p.item_id
    left join ${teams} t on t.id = i.team_id`;
}

function entryOf(row: Record<string, unknown>): RegistryServerVersion {
  const { searchText, ...rest } = itemFromRow(row);
  return {
    item: searchText === null ? rest : { ...rest, searchText },
    team: (row.registry_team as string | null) ?? null,
    serverName: row.server_name as string,
    version: row.registry_version as string,
    manifest: row.registry_manifest as Record<string, unknown>,
    publishedAt: new Date(row.published_at as string),
    isLatest: row.is_latest === true,
  };
}

/** The read rule, as the search reads it: the reader keys of the viewer, all of them for an admin. */
function readable(column: SQL, viewer: Viewer): SQL {
  if (viewer.kind === 'admin') return sql`true`;
  if (viewer.kind === 'anonymous') return sql`${column} = ${READER_KEYS.everyone}::uuid`;
  return sql`${column} = any(array[${READER_KEYS.everyone}::uuid, ${viewer.userId}::uuid] || array(select ${teamMemberships.teamId} from ${teamMemberships} where ${teamMemberships.userId} = ${viewer.userId}::uuid))`;
}
