import { fetchText, fileUrl } from '../api.ts';
import { ErrorBox, Loading } from '../components/bits.tsx';
import { useAsync } from '../lib/use-async.ts';
import { Markdown } from '../markdown/markdown.tsx';
import type { ItemView } from './item-view.ts';

const MAX_DOC_BYTES = 512 * 1024;

/** The item's own words: a skill's SKILL.md body, else its README, else its description. */
export function OverviewTab({ view }: { view: ItemView }) {
  const { ref, commit, details } = view;
  const kind = details.item.kind;
  const doc =
    kind === 'skill'
      ? view.files.find((file) => file.path === 'SKILL.md')
      : view.files.find((file) => /^readme(\.md|\.markdown)?$/i.test(file.path));
  const text = useAsync(
    (signal) => (doc ? fetchText(fileUrl(ref, doc.path, commit), MAX_DOC_BYTES, signal) : Promise.resolve(undefined)),
    [ref, commit, doc?.path],
  );
  const options = {
    imageUrl: (path: string) => fileUrl(ref, path, commit),
    fileLink: (path: string) =>
      `/${ref}/files?path=${encodeURIComponent(path)}${view.historic ? `&at=${encodeURIComponent(commit)}` : ''}`,
  };
  return (
    <div>
      {!doc && <p>{details.item.description}</p>}
      {doc && text.loading && <Loading />}
      {doc && text.error !== undefined && <ErrorBox error={text.error} />}
      {doc && !text.loading && text.data === undefined && text.error === undefined && (
        <p>
          {doc.path} is too long to show here; it is on the{' '}
          <a href={`/${ref}/files?path=${encodeURIComponent(doc.path)}`}>Files</a> tab.
        </p>
      )}
      {text.data !== undefined && <Markdown source={text.data} options={options} skill={kind === 'skill'} />}
    </div>
  );
}
