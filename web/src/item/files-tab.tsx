import { useEffect, useState } from 'react';
import { archiveUrl, type FileHead, fetchText, fileUrl, headFile } from '../api.ts';
import { ErrorBox, Loading } from '../components/bits.tsx';
import { FileTree } from '../components/file-tree.tsx';
import { formatBytes } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { navigate, useLocation, withParams } from '../router.tsx';
import type { ItemView } from './item-view.ts';

/** The viewer shows text files up to this size; larger ones are downloads. */
export const MAX_VIEW_BYTES = 256 * 1024;
/** Sizes are asked for (HEAD) for this many files at most, a few at a time. */
const MAX_SIZED_FILES = 300;

const heads = new Map<string, Promise<FileHead>>();
function cachedHead(url: string): Promise<FileHead> {
  let found = heads.get(url);
  if (!found) {
    found = headFile(url);
    found.catch(() => heads.delete(url));
    heads.set(url, found);
  }
  return found;
}

function useSizes(ref: string, commit: string, paths: readonly string[]): ReadonlyMap<string, number> {
  const [sizes, setSizes] = useState<ReadonlyMap<string, number>>(new Map());
  const key = `${ref}@${commit}:${paths.length}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names the list.
  useEffect(() => {
    let live = true;
    const queue = paths.slice(0, MAX_SIZED_FILES);
    const found = new Map<string, number>();
    const worker = async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        try {
          const head = await cachedHead(fileUrl(ref, path, commit));
          found.set(path, head.size);
          if (live) setSizes(new Map(found));
        } catch {
          // A size that cannot be had is left out.
        }
      }
    };
    void Promise.all([worker(), worker(), worker(), worker()]);
    return () => {
      live = false;
    };
  }, [key]);
  return sizes;
}

export function FilesTab({ view }: { view: ItemView }) {
  const { ref, commit, files } = view;
  const location = useLocation();
  const selected = location.params.get('path') ?? undefined;
  const sizes = useSizes(
    ref,
    commit,
    files.map((file) => file.path),
  );
  const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  return (
    <section aria-labelledby="files-heading" className="files-tab">
      <div className="section-head">
        <h2 id="files-heading">
          Files <span className="muted">({files.length})</span>
        </h2>
        <p>
          {sizes.size === files.length && files.length > 0 && <span className="muted">{formatBytes(total)} · </span>}
          <a href={archiveUrl(ref, view.historic ? commit : undefined)} download>
            Download all as zip
          </a>
        </p>
      </div>
      <div className="files-layout">
        <FileTree
          files={files}
          label="Files"
          selected={selected}
          sizes={sizes}
          onOpen={(path) => navigate(withParams(location, { path }), { replace: selected !== undefined })}
        />
        <div className="file-viewer">
          {selected ? (
            <FileViewer refText={ref} commit={commit} path={selected} known={files.some((f) => f.path === selected)} />
          ) : (
            <p className="muted">Choose a file to see it here.</p>
          )}
        </div>
      </div>
    </section>
  );
}

function FileViewer({
  refText,
  commit,
  path,
  known,
}: {
  refText: string;
  commit: string;
  path: string;
  known: boolean;
}) {
  const url = fileUrl(refText, path, commit);
  const head = useAsync(() => (known ? cachedHead(url) : Promise.resolve(undefined)), [url, known]);
  const isText = head.data?.type.startsWith('text/') === true && head.data.size <= MAX_VIEW_BYTES;
  const text = useAsync(
    (signal) => (isText ? fetchText(url, MAX_VIEW_BYTES, signal) : Promise.resolve(undefined)),
    [url, isText],
  );
  if (!known) return <p>This version has no file {path}.</p>;
  return (
    <div>
      <div className="section-head">
        <h3>
          <code>{path}</code>
        </h3>
        <p>
          {head.data && <span className="muted">{formatBytes(head.data.size)} · </span>}
          <a href={url} download={path.split('/').at(-1)}>
            Download <span className="visually-hidden">{path}</span>
          </a>
        </p>
      </div>
      {head.loading && <Loading />}
      {head.error !== undefined && <ErrorBox error={head.error} />}
      {head.data?.type.startsWith('image/') && <img className="file-image" src={url} alt={path} />}
      {head.data && !head.data.type.startsWith('image/') && !isText && (
        <p>
          {head.data.size > MAX_VIEW_BYTES && head.data.type.startsWith('text/')
            ? `Too large to show here (over ${formatBytes(MAX_VIEW_BYTES)}).`
            : 'Not a text file; download it to open it.'}
        </p>
      )}
      {isText && text.loading && <Loading />}
      {text.data !== undefined && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must be reachable by keyboard.
        <pre className="file-text" tabIndex={0}>
          <code>{text.data}</code>
        </pre>
      )}
    </div>
  );
}
