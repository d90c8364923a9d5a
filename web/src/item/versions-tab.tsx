import { type FormEvent, useMemo } from 'react';
import type { ItemVersion } from '../../../src/entrypoints/http/schemas/items.ts';
import { api, fileUrl } from '../api.ts';
import { ErrorBox, Loading, Time } from '../components/bits.tsx';
import { changedFiles, type FileChange } from '../lib/file-changes.ts';
import { shortSha } from '../lib/format.ts';
import { diffLines, hunksOf, splitLines } from '../lib/line-diff.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, navigate, useLocation, withParams } from '../router.tsx';
import type { ItemView } from './item-view.ts';

const PAGE_SIZE = 20;
/** A diff shows this many changed files at most, and compares text files up to this size. */
const MAX_DIFF_FILES = 50;
const MAX_DIFF_BYTES = 256 * 1024;

export function VersionsTab({ view }: { view: ItemView }) {
  const { ref } = view;
  const location = useLocation();
  const cursor = location.params.get('cursor') ?? undefined;
  const from = location.params.get('from') ?? undefined;
  const to = location.params.get('to') ?? undefined;
  const page = useAsync((signal) => api.versions(ref, cursor, PAGE_SIZE, signal), [ref, cursor]);
  const versions = page.data?.items ?? [];

  const compare = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(withParams(location, { from: String(form.get('from')), to: String(form.get('to')) }));
  };

  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      {page.loading && <Loading />}
      {page.error !== undefined && <ErrorBox error={page.error} />}
      {versions.length > 0 && (
        <>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than the screen scrolls by keyboard. */}
          <section className="table-scroll" tabIndex={0} aria-label="Versions table">
            <table>
              <caption className="visually-hidden">Commits that changed this item, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Commit</th>
                  <th scope="col">Message</th>
                  <th scope="col">Author</th>
                  <th scope="col">Date</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((version) => (
                  <tr key={version.commitSha}>
                    <td>{version.version ?? <span className="muted">none</span>}</td>
                    <td>
                      <Link to={`/${ref}?at=${version.commitSha}`}>
                        <code>{shortSha(version.commitSha)}</code>
                        <span className="visually-hidden"> (show this version)</span>
                      </Link>
                    </td>
                    <td className="message">
                      <CommitMessage message={version.message} />
                    </td>
                    <td>{version.author.name}</td>
                    <td>
                      <Time iso={version.date} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <nav className="pager" aria-label="Version pages">
            {cursor && <Link to={withParams(location, { cursor: undefined })}>Newest versions</Link>}
            {page.data?.nextCursor && (
              <Link to={withParams(location, { cursor: page.data.nextCursor })}>Older versions</Link>
            )}
          </nav>
          {versions.length > 1 || from ? (
            <form className="compare-form" onSubmit={compare}>
              <h3>Compare two versions</h3>
              <div className="field-row">
                <VersionChoice
                  id="compare-from"
                  label="From"
                  name="from"
                  versions={versions}
                  value={from ?? versions[1]?.commitSha}
                />
                <VersionChoice
                  id="compare-to"
                  label="To"
                  name="to"
                  versions={versions}
                  value={to ?? versions[0]?.commitSha}
                />
                <button type="submit" className="button">
                  Compare
                </button>
              </div>
            </form>
          ) : (
            <p className="muted">This item has one version so far.</p>
          )}
        </>
      )}
      {from && to && <DiffView refText={ref} from={from} to={to} />}
    </section>
  );
}

/** A commit's subject, and the lines under it (the publisher's own words) in a quieter voice. */
function CommitMessage({ message }: { message: string }) {
  const [subject, ...rest] = message.trim().split('\n');
  const body = rest.join(' ').trim();
  return (
    <>
      {subject}
      {body && <span className="muted"> — {body}</span>}
    </>
  );
}

function VersionChoice({
  id,
  label,
  name,
  versions,
  value,
}: {
  id: string;
  label: string;
  name: string;
  versions: ItemVersion[];
  value: string | undefined;
}) {
  const listed = versions.some((version) => version.commitSha === value);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value} key={value}>
        {!listed && value && <option value={value}>{shortSha(value)}</option>}
        {versions.map((version) => (
          <option key={version.commitSha} value={version.commitSha}>
            {version.version ? `${version.version} · ` : ''}
            {shortSha(version.commitSha)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A file's text at a commit: undefined for a missing side; 'binary' or 'large' when it is not shown. */
async function textAt(ref: string, path: string, commit: string, signal: AbortSignal) {
  const response = await fetch(fileUrl(ref, path, commit), { credentials: 'same-origin', signal });
  if (!response.ok) throw new Error(`${path} at ${shortSha(commit)}: the server answered ${response.status}`);
  if (!(response.headers.get('content-type') ?? '').startsWith('text/')) {
    await response.body?.cancel();
    return 'binary' as const;
  }
  if (Number(response.headers.get('content-length') ?? 0) > MAX_DIFF_BYTES) {
    await response.body?.cancel();
    return 'large' as const;
  }
  return response.text();
}

function DiffView({ refText, from, to }: { refText: string; from: string; to: string }) {
  const diff = useAsync(
    async (signal) => {
      const [before, after] = await Promise.all([api.version(refText, from, signal), api.version(refText, to, signal)]);
      const changes = changedFiles(before.files, after.files);
      const shown = await Promise.all(
        changes.slice(0, MAX_DIFF_FILES).map(async (change) => ({
          change,
          before: change.before ? await textAt(refText, change.path, from, signal) : '',
          after: change.after ? await textAt(refText, change.path, to, signal) : '',
        })),
      );
      return { changes, shown };
    },
    [refText, from, to],
  );
  return (
    <section className="diff" aria-labelledby="diff-heading">
      <h3 id="diff-heading">
        Changes from <code>{shortSha(from)}</code> to <code>{shortSha(to)}</code>
      </h3>
      {diff.loading && <Loading what="Comparing" />}
      {diff.error !== undefined && <ErrorBox error={diff.error} />}
      {diff.data && diff.data.changes.length === 0 && <p>The two versions hold the same files.</p>}
      {diff.data && diff.data.changes.length > MAX_DIFF_FILES && (
        <p>
          {diff.data.changes.length} files changed; the first {MAX_DIFF_FILES} are shown.
        </p>
      )}
      {diff.data?.shown.map(({ change, before, after }) => (
        <FileDiff key={change.path} change={change} before={before} after={after} />
      ))}
    </section>
  );
}

function FileDiff({
  change,
  before,
  after,
}: {
  change: FileChange;
  before: string | 'binary' | 'large';
  after: string | 'binary' | 'large';
}) {
  const hunks = useMemo(() => {
    if (before === 'binary' || after === 'binary' || before === 'large' || after === 'large') return undefined;
    const lines = diffLines(splitLines(before), splitLines(after));
    return lines && hunksOf(lines);
  }, [before, after]);
  const modeOnly = change.status === 'changed' && change.before?.blobSha === change.after?.blobSha;
  return (
    <div className="file-diff">
      <h4>
        <code>{change.path}</code> <span className={`change change-${change.status}`}>{change.status}</span>
      </h4>
      {modeOnly ? (
        <p>Only the executable bit changed.</p>
      ) : hunks === undefined ? (
        <p>
          {before === 'binary' || after === 'binary'
            ? 'A binary file: not shown.'
            : 'Too large or too different to show line by line.'}
        </p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must be reachable by keyboard.
        <pre className="diff-lines" tabIndex={0}>
          {hunks.map((hunk) => (
            <span key={hunk.header} className="hunk">
              <span className="hunk-header">{hunk.header}</span>
              {'\n'}
              {hunk.lines.map((line) => (
                <span
                  key={`${line.oldLine ?? ''}-${line.newLine ?? ''}`}
                  className={`diff-line line-${line.kind === '+' ? 'add' : line.kind === '-' ? 'del' : 'ctx'}`}
                >
                  {line.kind}
                  {line.text}
                  {'\n'}
                </span>
              ))}
            </span>
          ))}
        </pre>
      )}
    </div>
  );
}
