import type { Item } from '../../../src/entrypoints/http/schemas/items.ts';
import { api } from '../api.ts';
import { formatDay, shortSha } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { type Location, navigate, withParams } from '../router.tsx';

/** Picks the version the page shows: the newest 100 commits of the item; older ones are on the Versions tab. */
export function VersionSelect({
  refText,
  current,
  at,
  location,
}: {
  refText: string;
  current: Item;
  at: string | undefined;
  location: Location;
}) {
  const versions = useAsync((signal) => api.versions(refText, undefined, 100, signal), [refText, current.commitSha]);
  const list = versions.data?.items ?? [];
  const selected = at ?? current.commitSha;
  const known = list.some((version) => version.commitSha === selected);
  return (
    <>
      <label htmlFor="version-select" className="visually-hidden">
        Show version
      </label>
      <select
        id="version-select"
        value={selected}
        onChange={(event) => {
          const commit = event.target.value;
          navigate(withParams(location, { at: commit === current.commitSha ? undefined : commit }));
        }}
      >
        {!known && (
          <option value={selected}>
            {selected === current.commitSha && current.version ? `${current.version} · ` : ''}
            {shortSha(selected)}
          </option>
        )}
        {list.map((version) => (
          <option key={version.commitSha} value={version.commitSha}>
            {version.version ? `${version.version} · ` : ''}
            {shortSha(version.commitSha)} · {formatDay(version.date)}
            {version.commitSha === current.commitSha ? ' (current)' : ''}
          </option>
        ))}
      </select>
    </>
  );
}
