import { useEffect } from 'react';
import type { ItemDetails } from '../../../src/entrypoints/http/schemas/items.ts';
import { ApiError, api } from '../api.ts';
import { ErrorBox, KindBadge, Loading, StatusBadge, Time } from '../components/bits.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { Tabs } from '../components/tabs.tsx';
import { FilesTab } from '../item/files-tab.tsx';
import { InstallTab } from '../item/install-tab.tsx';
import type { ItemView } from '../item/item-view.ts';
import { ManagePanel, RestoreDeleted } from '../item/manage-panel.tsx';
import { OverviewTab } from '../item/overview-tab.tsx';
import { RawTab } from '../item/raw-tab.tsx';
import { ToolsTab } from '../item/tools-tab.tsx';
import { VersionSelect } from '../item/version-select.tsx';
import { VersionsTab } from '../item/versions-tab.tsx';
import { formatCount, shortSha } from '../lib/format.ts';
import type { ItemKind } from '../lib/labels.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, useLocation, withParams } from '../router.tsx';
import { useReader, useSession, whenKnown } from '../session.tsx';

const TAB_LABELS = {
  overview: 'Overview',
  files: 'Files',
  versions: 'Versions',
  install: 'Install',
  tools: 'Tools',
  raw: 'Raw',
} as const;
type TabId = keyof typeof TAB_LABELS;

export default function ItemPage({
  kind,
  namespace,
  name,
  tab,
}: {
  kind: ItemKind;
  namespace: string;
  name: string;
  tab: string | undefined;
}) {
  const ref = `${kind}/${namespace}/${name}`;
  const location = useLocation();
  const at = location.params.get('at') || undefined;
  const { me } = useSession();
  const reader = useReader();
  const details = useAsync((signal) => whenKnown(reader, () => api.item(ref, signal)), [ref, reader]);
  const atVersion = useAsync(
    (signal) => (at && at !== details.data?.item.commitSha ? api.version(ref, at, signal) : Promise.resolve(undefined)),
    [ref, at, details.data?.item.commitSha],
  );

  useEffect(() => {
    document.title = `${namespace}/${name} · Atlas`;
  }, [namespace, name]);

  const heading = (
    <PageHeading>
      <span className="visually-hidden">{kind === 'mcp' ? 'MCP server' : kind} </span>
      {namespace}/{name}
    </PageHeading>
  );
  if (details.error !== undefined) {
    const missing = details.error instanceof ApiError && details.error.status === 404;
    return (
      <article className="item-page">
        {heading}
        {missing ? (
          <>
            <p>There is no such item, or you may not see it.</p>
            {me && (
              <RestoreDeleted refText={ref} kind={kind} namespace={namespace} name={name} onRestored={details.reload} />
            )}
          </>
        ) : (
          <ErrorBox error={details.error} />
        )}
      </article>
    );
  }
  if (!details.data) {
    return (
      <article className="item-page">
        {heading}
        <Loading />
      </article>
    );
  }
  const data = details.data;
  const { item } = data;
  const historic = at !== undefined && at !== item.commitSha;
  const versionData = historic ? atVersion.data : undefined;
  const view: ItemView = {
    ref,
    details: data,
    commit: historic ? at! : item.commitSha,
    historic,
    manifest: historic ? (versionData?.manifest ?? null) : data.manifest,
    files: historic ? (versionData?.files ?? []) : data.files,
  };
  const tabs = (Object.keys(TAB_LABELS) as TabId[]).filter((id) => id !== 'tools' || kind !== 'skill');
  const selected: TabId = tabs.includes(tab as TabId) ? (tab as TabId) : 'overview';
  const tabHref = (id: TabId) => {
    const path = id === 'overview' ? `/${ref}` : `/${ref}/${id}`;
    return at ? `${path}?at=${encodeURIComponent(at)}` : path;
  };
  const title = item.title && item.title !== item.name ? item.title : undefined;
  const canEdit = mayEdit(me, data);

  return (
    <article className="item-page">
      <header className="item-header">
        <div className="item-title">
          <KindBadge kind={item.kind} />
          {heading}
          <StatusBadge status={item.status} />
        </div>
        {title && <p className="item-subtitle">{title}</p>}
        <p className="item-description">{item.description}</p>
        <dl className="facts">
          <div>
            <dt>{data.team ? 'Team' : 'Owner'}</dt>
            <dd>
              {data.team ? <Link to={`/teams/${data.team}`}>{data.team}</Link> : (data.owner ?? item.namespace)}
              {data.team && data.owner && <span className="muted"> · published by {data.owner}</span>}
            </dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd>
              <VersionSelect refText={ref} current={item} at={at} location={location} />
            </dd>
          </div>
          <div>
            <dt>Installs</dt>
            <dd>{formatCount(item.usageCount)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>
              <Time iso={item.updatedAt} relative />
            </dd>
          </div>
          <div>
            <dt>Visible to</dt>
            <dd>{item.visibility === 'org' ? 'Everyone signed in' : 'Team only'}</dd>
          </div>
          {item.tags.length > 0 && (
            <div>
              <dt>Tags</dt>
              <dd className="tags">
                {item.tags.map((tag) => (
                  <Link key={tag} className="tag" to={`/?tag=${encodeURIComponent(tag)}`}>
                    {tag}
                  </Link>
                ))}
              </dd>
            </div>
          )}
        </dl>
        {item.status === 'deprecated' && (
          <div className="notice warning">
            <p>
              <strong>Deprecated.</strong> {item.statusMessage}
            </p>
          </div>
        )}
        {item.status === 'invalid' && (
          <div className="notice error">
            <p>
              <strong>Invalid.</strong> The folder in git has problems; an administrator sees them on the sync page.
            </p>
          </div>
        )}
        {historic && (
          <div className="notice">
            <p>
              You are looking at commit <code>{shortSha(at!)}</code>, not the current version.{' '}
              <Link to={withParams(location, { at: undefined })}>Show the current version</Link>.
            </p>
          </div>
        )}
        {historic && atVersion.error !== undefined && <ErrorBox error={atVersion.error} />}
        {canEdit && <ManagePanel details={data} onChanged={details.reload} />}
      </header>

      <Tabs
        label="Item"
        idPrefix="item"
        tabs={tabs.map((id) => ({ id, label: TAB_LABELS[id], href: tabHref(id) }))}
        selected={selected}
      >
        {historic && atVersion.loading ? (
          <Loading />
        ) : (
          <>
            {selected === 'overview' && <OverviewTab view={view} />}
            {selected === 'files' && <FilesTab view={view} />}
            {selected === 'versions' && <VersionsTab view={view} />}
            {selected === 'install' && <InstallTab view={view} />}
            {selected === 'tools' && <ToolsTab view={view} />}
            {selected === 'raw' && <RawTab view={view} />}
          </>
        )}
      </Tabs>
    </article>
  );
}

function mayEdit(me: ReturnType<typeof useSession>['me'], details: ItemDetails): boolean {
  if (!me) return false;
  if (me.user.isAdmin || details.owner === me.user.username) return true;
  if (!details.team) return details.item.namespace === me.user.username;
  const role = me.teams.find((entry) => entry.team.slug === details.team)?.role;
  return role === 'owner' || role === 'maintainer';
}
