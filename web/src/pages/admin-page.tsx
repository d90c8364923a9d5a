import { type FormEvent, useEffect, useState } from 'react';
import type { AuditQuery } from '../../../src/entrypoints/http/schemas/audit.ts';
import type { SyncRun, VerifyReport } from '../../../src/entrypoints/http/schemas/sync.ts';
import { useAnnounce } from '../announcer.tsx';
import { api, errorText } from '../api.ts';
import { ErrorBox, Loading, Time } from '../components/bits.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { shortSha } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, type Location, navigate, useLocation, withParams } from '../router.tsx';
import { useSession } from '../session.tsx';

export default function AdminPage() {
  const { me } = useSession();
  useEffect(() => {
    document.title = 'Admin · Atlas';
  }, []);
  if (me === undefined) {
    return (
      <>
        <PageHeading>Admin</PageHeading>
        <Loading />
      </>
    );
  }
  if (!me?.user.isAdmin) {
    return (
      <>
        <PageHeading>Admin</PageHeading>
        <p>
          These pages are for site administrators.{' '}
          {me ? 'Your account is not one.' : <Link to="/account">Sign in</Link>}
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeading>Admin</PageHeading>
      <SyncSection />
      <AuditSection />
    </>
  );
}

function SyncSection() {
  const status = useAsync((signal) => api.syncStatus(signal), []);
  const announce = useAnnounce();
  const [report, setReport] = useState<VerifyReport | undefined>(undefined);
  const [busy, setBusy] = useState<'sync' | 'verify' | 'repair' | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [queuedText, setQueuedText] = useState<string | undefined>(undefined);

  const syncNow = async () => {
    setBusy('sync');
    setError(undefined);
    try {
      const text = syncRunText(await api.syncNow());
      setQueuedText(text);
      announce(text);
      status.reload();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(undefined);
    }
  };

  const verify = async (repair: boolean) => {
    setBusy(repair ? 'repair' : 'verify');
    setError(undefined);
    try {
      const found = await api.verify(repair);
      setReport(found);
      announce(
        repair
          ? `Repaired: ${found.driftCount} difference${found.driftCount === 1 ? '' : 's'} found and fixed.`
          : `Verified: ${found.driftCount} difference${found.driftCount === 1 ? '' : 's'} between git and the catalog.`,
      );
      status.reload();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(undefined);
    }
  };

  const data = status.data;
  return (
    <section aria-labelledby="sync-heading">
      <h2 id="sync-heading">Sync</h2>
      {status.loading && !data && <Loading />}
      {status.error !== undefined && <ErrorBox error={status.error} />}
      {data && (
        <>
          <dl className="facts">
            <div>
              <dt>Branch head</dt>
              <dd>
                <code>{shortSha(data.head)}</code>
              </dd>
            </div>
            <div>
              <dt>Last synced</dt>
              <dd>
                {data.lastSyncedSha ? <code>{shortSha(data.lastSyncedSha)}</code> : 'never'}
                {data.lastSyncedAt && (
                  <>
                    {' '}
                    (<Time iso={data.lastSyncedAt} relative />)
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>{data.behind ? `Behind by ${Math.round(data.lagSeconds)} s` : 'Up to date'}</dd>
            </div>
            <div>
              <dt>Queue</dt>
              <dd>
                {data.queue.queued} queued, {data.queue.running} running, {data.queue.failed} failed
              </dd>
            </div>
            <div>
              <dt>Last verify</dt>
              <dd>{data.lastVerify.at ? <Time iso={data.lastVerify.at} relative /> : 'never'}</dd>
            </div>
          </dl>
          <p className="button-row">
            <button type="button" className="button" onClick={() => status.reload()}>
              Refresh
            </button>
            <button
              type="button"
              className="button primary"
              disabled={busy !== undefined}
              onClick={() => void syncNow()}
              aria-describedby="sync-hint"
            >
              {busy === 'sync' ? 'Queueing…' : 'Sync now'}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy !== undefined}
              onClick={() => void verify(false)}
              aria-describedby="sync-hint"
            >
              {busy === 'verify' ? 'Verifying…' : 'Verify'}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy !== undefined}
              onClick={() => void verify(true)}
              aria-describedby="sync-hint"
            >
              {busy === 'repair' ? 'Repairing…' : 'Verify and repair'}
            </button>
          </p>
          <p id="sync-hint" className="hint">
            Sync now queues a sync of the branch head for the worker, as a webhook or the poller would; Refresh shows
            its progress in the queue. Verify compares every item folder in git with the catalog and reports the
            differences; Verify and repair also brings the catalog up to git at once.
          </p>
          {queuedText && <p className="notice">{queuedText}</p>}
          {error && <ErrorBox>{error}</ErrorBox>}
          {report && <Drift report={report} />}

          <h3>Failed jobs</h3>
          {data.failedJobs.length === 0 ? (
            <p>None.</p>
          ) : (
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than the screen scrolls by keyboard.
            <section className="table-scroll" tabIndex={0} aria-label="Failed jobs">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">When</th>
                  </tr>
                </thead>
                <tbody>
                  {data.failedJobs.map((job) => (
                    <tr key={job.id}>
                      <th scope="row">{job.reason}</th>
                      <td>{job.attempts}</td>
                      <td>{job.lastError ?? ''}</td>
                      <td>
                        <Time iso={job.updatedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}

          <h3>Invalid folders</h3>
          {data.invalidItems.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul className="plain-list">
              {data.invalidItems.map(({ item, problems }) => (
                <li key={item.ref}>
                  <Link to={`/${item.ref}`}>{item.ref}</Link>
                  <ul>
                    {problems.map((problem) => (
                      <li key={`${problem.path}:${problem.message}`}>
                        <code>{problem.path}</code>: {problem.message}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** What a request to sync now did, as a sentence for the live region. */
function syncRunText(run: SyncRun): string {
  const head = shortSha(run.head);
  switch (run.outcome) {
    case 'queued':
      return `Sync queued for ${head}.`;
    case 'already-queued':
      return `A sync is already queued; it will reach ${head}.`;
    case 'up-to-date':
      return `Already up to date at ${head}: nothing to sync.`;
  }
}

function Drift({ report }: { report: VerifyReport }) {
  const groups = [
    { title: 'In git, not in the catalog', list: report.drift.gitOnly },
    { title: 'In the catalog, not in git', list: report.drift.dbOnly },
    { title: 'Different from git', list: report.drift.stale },
  ];
  return (
    <div className="notice">
      <h3 id="drift-heading">
        Verify report: {report.driftCount} difference{report.driftCount === 1 ? '' : 's'}
      </h3>
      <p>
        {report.folders} folders in git at <code>{shortSha(report.head)}</code>, {report.items} items in the catalog,
        checked <Time iso={report.checkedAt} relative />.
        {report.repaired && (
          <>
            {' '}
            Repaired:{' '}
            {Object.entries(report.repaired)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}
            .
          </>
        )}
      </p>
      {groups
        .filter((group) => group.list.length > 0)
        .map((group) => (
          <div key={group.title}>
            <h4>{group.title}</h4>
            <ul>
              {group.list.map((entry) => (
                <li key={entry}>
                  <code>{entry}</code>
                </li>
              ))}
            </ul>
          </div>
        ))}
    </div>
  );
}

const AUDIT_FIELDS = ['actor', 'action', 'target', 'since', 'until'] as const;

function auditQueryOf(location: Location): AuditQuery {
  const p = location.params;
  const date = (name: string, endOfDay: boolean) => {
    const value = p.get(name);
    if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
    return `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`;
  };
  return {
    actor: p.get('actor') || undefined,
    action: p.get('action') || undefined,
    target: p.get('target') || undefined,
    since: date('since', false),
    until: date('until', true),
    cursor: p.get('cursor') || undefined,
    limit: 50,
  };
}

function AuditSection() {
  const location = useLocation();
  const query = auditQueryOf(location);
  const page = useAsync((signal) => api.audit(query, signal), [JSON.stringify(query)]);
  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      withParams(location, {
        ...Object.fromEntries(AUDIT_FIELDS.map((field) => [field, String(form.get(field) ?? '').trim()])),
        cursor: undefined,
      }),
    );
  };
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <form className="inline-form audit-filters" onSubmit={filter} key={location.search}>
        <div className="field">
          <label htmlFor="audit-actor">Who (username)</label>
          <input id="audit-actor" name="actor" defaultValue={location.params.get('actor') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input
            id="audit-action"
            name="action"
            defaultValue={location.params.get('action') ?? ''}
            aria-describedby="audit-action-hint"
          />
          <p id="audit-action-hint" className="hint">
            e.g. item.publish, or team. for every team action
          </p>
        </div>
        <div className="field">
          <label htmlFor="audit-target">Target</label>
          <input id="audit-target" name="target" defaultValue={location.params.get('target') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-since">From</label>
          <input id="audit-since" name="since" type="date" defaultValue={location.params.get('since') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-until">Until</label>
          <input id="audit-until" name="until" type="date" defaultValue={location.params.get('until') ?? ''} />
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {page.loading && !page.data && <Loading />}
      {page.error !== undefined && <ErrorBox error={page.error} />}
      {page.data && page.data.items.length === 0 && <p>No entries match.</p>}
      {page.data && page.data.items.length > 0 && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than the screen scrolls by keyboard.
        <section className="table-scroll" tabIndex={0} aria-label="Audit entries">
          <table className="audit">
            <thead>
              <tr>
                <th scope="col" aria-sort="descending">
                  When
                </th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((entry) => (
                <tr key={entry.id}>
                  <td>
                    <Time iso={entry.at} />
                  </td>
                  <td>{entry.actor ?? <span className="muted">anonymous</span>}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td className="wrap">{entry.target}</td>
                  <td>{entry.ip ?? ''}</td>
                  <td className="wrap">
                    {Object.keys(entry.details).length > 0 && <code>{JSON.stringify(entry.details)}</code>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <nav className="pager" aria-label="Audit pages">
        {query.cursor && <Link to={withParams(location, { cursor: undefined })}>Newest entries</Link>}
        {page.data?.nextCursor && (
          <Link to={withParams(location, { cursor: page.data.nextCursor })}>Older entries</Link>
        )}
      </nav>
    </section>
  );
}
