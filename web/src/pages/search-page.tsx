import { type FormEvent, useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { FacetName, Facets } from '../../../src/entrypoints/http/schemas/facets.ts';
import type { Item } from '../../../src/entrypoints/http/schemas/items.ts';
import { ApiError, api, type SearchAnswer, type SearchParams } from '../api.ts';
import { ErrorBox, KindBadge, Loading, StatusBadge, Time } from '../components/bits.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { formatCount } from '../lib/format.ts';
import {
  type ItemSort,
  type ItemStatus,
  isKind,
  KIND_LABELS,
  keysOf,
  SORT_LABELS,
  STATUS_LABELS,
} from '../lib/labels.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, type Location, navigate, useLocation, withParams } from '../router.tsx';
import { useReader, whenKnown } from '../session.tsx';

const PAGE_SIZE = 20;
const FILTERS = ['kind', 'team', 'tag', 'status'] as const satisfies readonly FacetName[];
const FACET_LEGENDS: Record<FacetName, string> = { kind: 'Kind', team: 'Team', tag: 'Tag', status: 'Status' };

/** One page of results, with the facet counts of the whole result set. */
const search = (query: SearchParams, signal: AbortSignal): Promise<SearchAnswer> =>
  api.search({ ...query, facets: true }, signal);

function queryOf(location: Location): SearchParams {
  const p = location.params;
  const kind = p.get('kind');
  const sort = p.get('sort');
  const status = p.get('status');
  return {
    q: p.get('q') || undefined,
    kind: isKind(kind) ? kind : undefined,
    team: p.get('team') || undefined,
    tag: p.get('tag') || undefined,
    status: status && Object.hasOwn(STATUS_LABELS, status) ? (status as ItemStatus) : undefined,
    sort: sort && Object.hasOwn(SORT_LABELS, sort) ? (sort as ItemSort) : undefined,
    cursor: p.get('cursor') || undefined,
    limit: PAGE_SIZE,
  };
}

const itemHref = (item: Item) => `/${item.kind}/${item.namespace}/${item.name}`;

/** `/` focuses the search box from anywhere on the page that is not itself a text field. */
function useSlashFocus(input: React.RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [input]);
}

export function SearchPage() {
  const location = useLocation();
  const query = queryOf(location);
  const input = useRef<HTMLInputElement>(null);
  useSlashFocus(input);
  const key = JSON.stringify(query);
  const reader = useReader();
  const answer = useAsync((signal) => whenKnown(reader, () => search(query, signal)), [key, reader]);
  const filtered = FILTERS.some((name) => query[name] !== undefined);

  useEffect(() => {
    document.title = query.q ? `${query.q} · Atlas` : 'Atlas';
  }, [query.q]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      withParams(location, {
        q: String(form.get('q') ?? '').trim(),
        kind: String(form.get('kind') ?? ''),
        sort: String(form.get('sort') ?? ''),
        cursor: undefined,
      }),
    );
  };

  return (
    <div className="search-page">
      <PageHeading>{query.q ? <>Results for “{query.q}”</> : 'Browse the catalog'}</PageHeading>
      <search>
        <form className="search-form" onSubmit={submit} key={key}>
          <div className="field grow">
            <label htmlFor="search-q">
              Search skills, MCP servers and tools{' '}
              <span className="muted shortcut">
                (press <kbd>/</kbd> to come back here)
              </span>
            </label>
            <input
              ref={input}
              id="search-q"
              name="q"
              type="search"
              defaultValue={query.q ?? ''}
              maxLength={200}
              autoComplete="off"
              aria-keyshortcuts="/"
            />
          </div>
          <div className="field">
            <label htmlFor="search-kind">Kind</label>
            <select id="search-kind" name="kind" defaultValue={query.kind ?? ''}>
              <option value="">Any kind</option>
              {keysOf(KIND_LABELS).map((kind) => (
                <option key={kind} value={kind}>
                  {KIND_LABELS[kind]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="search-sort">Sort by</label>
            <select id="search-sort" name="sort" defaultValue={query.sort ?? ''}>
              <option value="">{query.q ? 'Relevance' : 'Default'}</option>
              {keysOf(SORT_LABELS)
                .filter((sort) => sort !== 'relevance')
                .map((sort) => (
                  <option key={sort} value={sort}>
                    {SORT_LABELS[sort]}
                  </option>
                ))}
            </select>
          </div>
          <button type="submit" className="button primary">
            Search
          </button>
        </form>
      </search>

      <ActiveFilters location={location} query={query} />

      <div className={answer.data?.facets ? 'search-layout with-facets' : 'search-layout'}>
        {answer.data?.facets && <FacetPanel facets={answer.data.facets} query={query} location={location} />}
        <section className="results" aria-labelledby="results-heading">
          <h2 id="results-heading" className="visually-hidden">
            Results
          </h2>
          {answer.loading && !answer.data && <Loading what="Searching" />}
          {answer.error !== undefined && <SearchError error={answer.error} />}
          {answer.data && (
            <Results answer={answer.data} query={query} location={location} filtered={filtered} busy={answer.loading} />
          )}
        </section>
      </div>
    </div>
  );
}

function SearchError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 401) {
    return (
      <div className="notice">
        <p>
          The catalog is for signed-in people. <Link to="/account">Sign in or create an account</Link> to browse it.
        </p>
      </div>
    );
  }
  return <ErrorBox error={error} />;
}

function ActiveFilters({ location, query }: { location: Location; query: SearchParams }) {
  const active = FILTERS.filter((name) => query[name] !== undefined);
  if (active.length === 0) return null;
  return (
    <div className="active-filters">
      <span id="active-filters-label">Filters:</span>
      <ul aria-labelledby="active-filters-label">
        {active.map((name) => (
          <li key={name}>
            <Link className="chip" to={withParams(location, { [name]: undefined, cursor: undefined })}>
              {FACET_LEGENDS[name]}: {filterLabel(name, String(query[name]))}
              <span aria-hidden="true"> ×</span>
              <span className="visually-hidden"> (remove this filter)</span>
            </Link>
          </li>
        ))}
      </ul>
      <Link to={clearFilters(location)}>Clear filters</Link>
    </div>
  );
}

function filterLabel(name: FacetName, value: string): string {
  if (name === 'kind' && isKind(value)) return KIND_LABELS[value];
  if (name === 'status' && Object.hasOwn(STATUS_LABELS, value)) return STATUS_LABELS[value as ItemStatus];
  return value;
}

const clearFilters = (location: Location) =>
  withParams(location, { kind: undefined, team: undefined, tag: undefined, status: undefined, cursor: undefined });

/** Facet counts, one fieldset each; a facet the answer has no values for is left out. */
function FacetPanel({ facets, query, location }: { facets: Facets; query: SearchParams; location: Location }) {
  const groups = FILTERS.filter((name) => facets[name].length > 0);
  const wide = useMediaQuery(WIDE);
  if (groups.length === 0) return null;
  const fieldsets = groups.map((name) => (
    <fieldset key={name} className="facet">
      <legend>{FACET_LEGENDS[name]}</legend>
      <ul>
        {facets[name].slice(0, 30).map(({ value, count }) => {
          const selected = query[name] === value;
          return (
            <li key={value}>
              <Link
                to={withParams(location, { [name]: selected ? undefined : value, cursor: undefined })}
                aria-current={selected ? 'true' : undefined}
                className="facet-link"
              >
                <span className="facet-check" aria-hidden="true">
                  {selected ? '☑' : '☐'}
                </span>
                <span className="facet-value">{filterLabel(name, value)}</span>
                <span className="count">
                  {formatCount(count)}
                  <span className="visually-hidden"> {count === 1 ? 'result' : 'results'}</span>
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </fieldset>
  ));
  // On a narrow screen the filters fold away above the results, so the results come first into view.
  return (
    <aside className="facets" aria-label="Filters">
      {wide ? (
        fieldsets
      ) : (
        <details className="facets-fold">
          <summary>Filter the results</summary>
          {fieldsets}
        </details>
      )}
    </aside>
  );
}

const WIDE = '(min-width: 56.0625rem)';

function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (notify: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', notify);
      return () => list.removeEventListener('change', notify);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}

function Results({
  answer,
  query,
  location,
  filtered,
  busy,
}: {
  answer: SearchAnswer;
  query: SearchParams;
  location: Location;
  filtered: boolean;
  busy: boolean;
}) {
  if (answer.items.length === 0) {
    return (
      <div className="empty">
        <p>
          <strong>Nothing found{query.q ? <> for “{query.q}”</> : ''}.</strong>
        </p>
        {filtered ? (
          <p>
            Some filters are on. <Link to={clearFilters(location)}>Clear the filters</Link> to search everything you can
            see.
          </p>
        ) : query.q ? (
          <p>
            Try other words, or <Link to="/">browse the whole catalog</Link>.
          </p>
        ) : query.cursor ? (
          <p>
            That is the end of the list. <Link to="/">Back to the first page</Link>.
          </p>
        ) : (
          <p>
            The catalog is empty so far. <Link to="/publish">Publish the first skill, MCP server or tool</Link>.
          </p>
        )}
      </div>
    );
  }
  return (
    <>
      <ol className="result-list" aria-busy={busy}>
        {answer.items.map((item) => (
          <li key={item.ref} className="result">
            <div className="result-head">
              <KindBadge kind={item.kind} />
              <h3>
                <Link to={itemHref(item)}>
                  {item.namespace}/{item.name}
                </Link>
              </h3>
              {item.version && <span className="version">v{item.version}</span>}
              <StatusBadge status={item.status} />
            </div>
            <p className="description">{item.description}</p>
            <p className="meta">
              <span>
                {formatCount(item.usageCount)} {item.usageCount === 1 ? 'install' : 'installs'}
              </span>
              <span>
                Updated <Time iso={item.updatedAt} relative />
              </span>
              {item.tags.length > 0 && (
                <span className="tags">
                  <span className="visually-hidden">Tags: </span>
                  {item.tags.slice(0, 5).map((tag) => (
                    <span key={tag} className="tag">
                      {tag}
                    </span>
                  ))}
                </span>
              )}
            </p>
          </li>
        ))}
      </ol>
      <nav className="pager" aria-label="Result pages">
        {query.cursor && <Link to={withParams(location, { cursor: undefined })}>First page</Link>}
        {answer.nextCursor && (
          <Link to={withParams(location, { cursor: answer.nextCursor })} rel="next">
            Next page
          </Link>
        )}
      </nav>
    </>
  );
}
