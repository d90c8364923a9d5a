import { type DragEvent, type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from 'react';
import type { FileEntry, PublishBody } from '../../../src/entrypoints/http/schemas/items.ts';
import type { FieldProblem } from '../../../src/entrypoints/http/schemas/problem.ts';
import type { PublishPreview } from '../../../src/entrypoints/http/schemas/publish-preview.ts';
import { useAnnounce } from '../announcer.tsx';
import { ApiError, api, errorText } from '../api.ts';
import { ErrorBox, KindBadge, Loading, ProblemList, ProblemWhere } from '../components/bits.tsx';
import { FileTree } from '../components/file-tree.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { changedFiles } from '../lib/file-changes.ts';
import { formatBytes, locate } from '../lib/format.ts';
import { Markdown } from '../markdown/markdown.tsx';
import {
  type LocalFile,
  normaliseFiles,
  readDropped,
  readPicked,
  readZip,
  textOf,
  toFileInputs,
} from '../publish/local-files.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

type Source = 'folder' | 'zip' | 'paste';
const SOURCE_LABELS: Record<Source, string> = {
  folder: 'A folder',
  zip: 'A zip file',
  paste: 'Paste a server.json or tool.json',
};
const MAX_EDIT_BYTES = 256 * 1024;

interface Checked {
  preview?: PublishPreview;
  problems: FieldProblem[];
  error?: string;
  /** The current files of the item these would replace, for the file-level diff. */
  current?: FileEntry[];
}

export default function PublishPage() {
  const { me } = useSession();
  useEffect(() => {
    document.title = 'Publish · Atlas';
  }, []);
  if (me === undefined) {
    return (
      <>
        <PageHeading>Publish</PageHeading>
        <Loading />
      </>
    );
  }
  if (!me) {
    return (
      <>
        <PageHeading>Publish</PageHeading>
        <p>
          <Link to="/account">Sign in</Link> to publish a skill, an MCP server or a tool.
        </p>
      </>
    );
  }
  return <Publisher namespaces={[me.user.username, ...me.teams.map((entry) => entry.team.slug)]} />;
}

function Publisher({ namespaces }: { namespaces: string[] }) {
  const announce = useAnnounce();
  const id = useId();
  const [namespace, setNamespace] = useState(namespaces[1] ?? namespaces[0]!);
  const [source, setSource] = useState<Source>('folder');
  const [files, setFiles] = useState<LocalFile[]>([]);
  const [skipped, setSkipped] = useState<string[]>([]);
  const [pasted, setPasted] = useState('');
  const [tags, setTags] = useState('');
  const [visibility, setVisibility] = useState<'org' | 'team'>('org');
  const [message, setMessage] = useState('');
  const [mcpName, setMcpName] = useState('');
  const [reading, setReading] = useState(false);
  const [checking, setChecking] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [checked, setChecked] = useState<Checked | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [dragging, setDragging] = useState(false);

  const pastedFiles = useMemo((): LocalFile[] => {
    if (source !== 'paste' || pasted.trim() === '') return [];
    let path = 'server.json';
    try {
      const parsed = JSON.parse(pasted) as Record<string, unknown>;
      if (parsed && typeof parsed === 'object' && 'input_schema' in parsed) path = 'tool.json';
    } catch {
      // Not JSON: sent as server.json, and the check says what is wrong with it.
    }
    return [{ path, bytes: new TextEncoder().encode(pasted), executable: false }];
  }, [source, pasted]);
  const bundle = source === 'paste' ? pastedFiles : files;

  const body = (): PublishBody => ({
    namespace,
    files: toFileInputs(bundle),
    ...(tags.trim()
      ? {
          tags: tags
            .split(',')
            .map((tag) => tag.trim())
            .filter(Boolean),
        }
      : {}),
    visibility,
    ...(message.trim() ? { message: message.trim() } : {}),
    ...(mcpName.trim() ? { name: mcpName.trim() } : {}),
  });

  const check = async (current: LocalFile[] = bundle) => {
    if (current.length === 0) return;
    setChecking(true);
    try {
      const preview = await api.preview({ ...body(), files: toFileInputs(current) });
      const existing = preview.existing ? await api.item(preview.existing.ref) : undefined;
      setChecked({ preview, problems: [], current: existing?.files });
      announce(
        preview.warnings.length > 0
          ? `Checked: ready to publish, with ${preview.warnings.length} warning${preview.warnings.length === 1 ? '' : 's'}.`
          : 'Checked: ready to publish.',
      );
    } catch (caught) {
      const problems = caught instanceof ApiError ? caught.problems : [];
      setChecked({ problems, error: errorText(caught) });
      announce(
        problems.length > 0
          ? `Checked: ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix.`
          : `Check failed: ${errorText(caught)}`,
      );
    } finally {
      setChecking(false);
    }
  };

  const take = async (read: Promise<LocalFile[]>) => {
    setReading(true);
    setChecked(undefined);
    setSelected(undefined);
    try {
      const { files: kept, skipped: left } = normaliseFiles(await read);
      setFiles(kept);
      setSkipped(left);
      announce(`${kept.length} file${kept.length === 1 ? '' : 's'} read.`);
      await check(kept);
    } catch (caught) {
      setChecked({ problems: [], error: errorText(caught) });
    } finally {
      setReading(false);
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const transfer = event.dataTransfer;
    void take(readDropped(transfer).then((dropped) => (Array.isArray(dropped) ? dropped : readZip(dropped))));
  };

  const edit = (path: string, text: string) => {
    const next = files.map((file) => (file.path === path ? { ...file, bytes: new TextEncoder().encode(text) } : file));
    setFiles(next);
    announce(`${path} changed; checking again.`);
    void check(next);
  };

  const publish = async (event: FormEvent) => {
    event.preventDefault();
    const preview = checked?.preview;
    if (!preview) return;
    setPublishing(true);
    try {
      const published = preview.existing
        ? await api.update(
            preview.existing.ref,
            { files: body().files, ...(message.trim() ? { message: message.trim() } : {}) },
            preview.existing.treeSha,
          )
        : await api.publish(body());
      announce(published.unchanged ? 'Nothing changed: the item already holds these files.' : 'Published.');
      navigate(`/${published.item.ref}`);
    } catch (caught) {
      const problems = caught instanceof ApiError ? caught.problems : [];
      setChecked({ ...checked, problems, error: errorText(caught) });
      announce(`Not published: ${errorText(caught)}`);
    } finally {
      setPublishing(false);
    }
  };

  const problemsByFile = new Map<string, FieldProblem[]>();
  for (const problem of [...(checked?.problems ?? []), ...(checked?.preview?.warnings ?? [])]) {
    const file = locate(problem.path).file;
    if (bundle.some((candidate) => candidate.path === file)) {
      problemsByFile.set(file, [...(problemsByFile.get(file) ?? []), problem]);
    }
  }
  const marks = new Map<string, ReactNode>();
  for (const [file, list] of problemsByFile) {
    const errors = checked?.problems.filter((problem) => locate(problem.path).file === file).length ?? 0;
    marks.set(
      file,
      <span className={errors > 0 ? 'mark-error' : 'mark-warning'}>
        {' '}
        —{' '}
        {errors > 0
          ? `${errors} problem${errors === 1 ? '' : 's'}`
          : `${list.length} warning${list.length === 1 ? '' : 's'}`}
      </span>,
    );
  }
  const sizes = new Map(bundle.map((file) => [file.path, file.bytes.byteLength]));
  const skillFile = bundle.find((file) => file.path === 'SKILL.md');
  const readme = bundle.find((file) => /^readme\.md$/i.test(file.path));
  const shownDoc = skillFile ?? readme;
  const shownText = shownDoc ? textOf(shownDoc.bytes) : undefined;
  const ready = checked?.preview !== undefined && checked.problems.length === 0 && !checking;

  return (
    <>
      <PageHeading>Publish</PageHeading>
      <p>
        Publish a skill (a folder with a <code>SKILL.md</code>), an MCP server (<code>server.json</code>) or a tool (
        <code>tool.json</code>). Atlas checks it first and shows what it found; nothing is published until you say so.
      </p>
      <form className="stack-form publish-form" onSubmit={publish}>
        <div className="field">
          <label htmlFor={`${id}-namespace`}>Publish into</label>
          <select
            id={`${id}-namespace`}
            value={namespace}
            onChange={(event) => {
              setNamespace(event.target.value);
              setChecked(undefined);
            }}
            aria-describedby={`${id}-namespace-hint`}
          >
            {namespaces.map((name, index) => (
              <option key={name} value={name}>
                {name}
                {index === 0 ? ' (personal)' : ' (team)'}
              </option>
            ))}
          </select>
          <p id={`${id}-namespace-hint`} className="hint">
            Your personal namespace or a team you belong to.
          </p>
        </div>

        <fieldset className="source-choice">
          <legend>What to publish</legend>
          {(Object.keys(SOURCE_LABELS) as Source[]).map((choice) => (
            <label key={choice}>
              <input
                type="radio"
                name="source"
                value={choice}
                checked={source === choice}
                onChange={() => {
                  setSource(choice);
                  setChecked(undefined);
                }}
              />{' '}
              {SOURCE_LABELS[choice]}
            </label>
          ))}
        </fieldset>

        {source !== 'paste' && (
          // biome-ignore lint/a11y/noStaticElementInteractions: dropping is a shortcut; the file inputs inside are the way for everyone.
          <div
            className={dragging ? 'drop-zone dragging' : 'drop-zone'}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            {source === 'folder' ? (
              <div className="field">
                <label htmlFor={`${id}-folder`}>Choose the item's folder</label>
                <input
                  id={`${id}-folder`}
                  type="file"
                  multiple
                  // webkitdirectory is a real attribute (every current browser has it) that React does not type.
                  {...{ webkitdirectory: '' }}
                  onChange={(event) => event.target.files && void take(readPicked(event.target.files))}
                />
              </div>
            ) : (
              <div className="field">
                <label htmlFor={`${id}-zip`}>Choose a zip of the item's folder</label>
                <input
                  id={`${id}-zip`}
                  type="file"
                  accept=".zip,application/zip"
                  onChange={(event) => {
                    const file = event.target.files?.[0];
                    if (file) void take(readZip(file));
                  }}
                />
              </div>
            )}
            <p className="hint">…or drop a folder or a zip here.</p>
          </div>
        )}

        {source === 'paste' && (
          <div className="field">
            <label htmlFor={`${id}-paste`}>server.json or tool.json</label>
            <textarea
              id={`${id}-paste`}
              rows={12}
              spellCheck={false}
              value={pasted}
              onChange={(event) => {
                setPasted(event.target.value);
                setChecked(undefined);
              }}
            />
          </div>
        )}

        <details className="more-options">
          <summary>More options</summary>
          <div className="field">
            <label htmlFor={`${id}-tags`}>Tags, separated by commas</label>
            <input id={`${id}-tags`} value={tags} onChange={(event) => setTags(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-visibility`}>Visible to</label>
            <select
              id={`${id}-visibility`}
              value={visibility}
              onChange={(event) => setVisibility(event.target.value === 'team' ? 'team' : 'org')}
            >
              <option value="org">Everyone signed in</option>
              <option value="team">The team only</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-name`}>
              Catalog name (MCP servers only; made from server.json's name otherwise)
            </label>
            <input
              id={`${id}-name`}
              value={mcpName}
              maxLength={64}
              onChange={(event) => setMcpName(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-message`}>A line for the commit message</label>
            <input
              id={`${id}-message`}
              value={message}
              maxLength={1000}
              onChange={(event) => setMessage(event.target.value)}
            />
          </div>
        </details>

        <p className="button-row">
          <button
            type="button"
            className="button"
            disabled={bundle.length === 0 || checking}
            onClick={() => void check()}
          >
            {checking ? 'Checking…' : 'Check'}
          </button>
          <button type="submit" className="button primary" disabled={!ready || publishing}>
            {publishing ? 'Publishing…' : checked?.preview?.existing ? 'Publish update' : 'Publish'}
          </button>
        </p>
      </form>

      {reading && <Loading what="Reading the files" />}
      {skipped.length > 0 && (
        <p className="muted">
          Left out {skipped.length} file{skipped.length === 1 ? '' : 's'} that never belong in an item (such as .git and
          .DS_Store).
        </p>
      )}

      {checked && (
        <section aria-labelledby="preview-heading" className="preview">
          <h2 id="preview-heading">Preview</h2>
          {checked.preview && checked.error && <ErrorBox>{checked.error}</ErrorBox>}
          {checked.preview ? (
            <PreviewSummary preview={checked.preview} current={checked.current} />
          ) : (
            <ErrorBox>
              {checked.problems.length > 0
                ? `Not ready: ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'} to fix.`
                : checked.error}
            </ErrorBox>
          )}
          <ProblemList problems={checked.problems} tone="error" title="Problems" />
          <ProblemList problems={checked.preview?.warnings ?? []} tone="warning" title="Warnings" />
          {bundle.length > 0 && (
            <div className="files-layout">
              <div>
                <h3>Files</h3>
                <FileTree
                  files={bundle}
                  label="Files to publish"
                  idPrefix="publish-tree"
                  selected={selected}
                  onOpen={setSelected}
                  sizes={sizes}
                  marks={marks}
                />
              </div>
              <div className="file-viewer">
                {selected && source !== 'paste' ? (
                  <LocalEditor
                    key={`${selected}:${files.find((file) => file.path === selected)?.bytes.byteLength}`}
                    file={files.find((file) => file.path === selected)}
                    problems={problemsByFile.get(selected) ?? []}
                    onSave={edit}
                  />
                ) : (
                  <p className="muted">Choose a file to see it, its problems, and to fix it here.</p>
                )}
              </div>
            </div>
          )}
          {shownDoc && shownText !== undefined && (
            <div className="rendered-doc">
              <h3>{shownDoc.path}, rendered</h3>
              <Markdown source={shownText} skill={shownDoc.path === 'SKILL.md'} />
            </div>
          )}
        </section>
      )}
    </>
  );
}

function PreviewSummary({ preview, current }: { preview: PublishPreview; current?: FileEntry[] }) {
  const total = preview.files.reduce((sum, file) => sum + file.size, 0);
  return (
    <div className="notice success">
      <p>
        <KindBadge kind={preview.kind} /> <strong>{preview.ref}</strong>
        {preview.version && <> version {preview.version}</>} · {preview.files.length} file
        {preview.files.length === 1 ? '' : 's'}, {formatBytes(total)}
      </p>
      {preview.existing ? (
        preview.unchanged ? (
          <p>
            <Link to={`/${preview.existing.ref}`}>{preview.existing.ref}</Link> already holds exactly these files.
          </p>
        ) : (
          <FileChanges refText={preview.existing.ref} before={current ?? []} after={preview.files} />
        )
      ) : (
        <p>A new item: nothing of that name exists yet.</p>
      )}
    </div>
  );
}

function FileChanges({ refText, before, after }: { refText: string; before: FileEntry[]; after: FileEntry[] }) {
  const changes = changedFiles(before, after);
  return (
    <>
      <p>
        This is an update of <Link to={`/${refText}`}>{refText}</Link>. Compared with its current version:
      </p>
      {changes.length === 0 ? (
        <p>No file changes.</p>
      ) : (
        <ul className="changes">
          {changes.map((change) => (
            <li key={change.path}>
              <span className={`change change-${change.status}`}>{change.status}</span> <code>{change.path}</code>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A file of the bundle, with its problems, editable in place when it is text. */
function LocalEditor({
  file,
  problems,
  onSave,
}: {
  file: LocalFile | undefined;
  problems: FieldProblem[];
  onSave: (path: string, text: string) => void;
}) {
  const original = file ? textOf(file.bytes) : undefined;
  const [text, setText] = useState(original ?? '');
  const id = useId();
  if (!file) return null;
  return (
    <div>
      <h3>
        <code>{file.path}</code> <span className="muted">{formatBytes(file.bytes.byteLength)}</span>
      </h3>
      {problems.length > 0 && (
        <ul className="problems" id={`${id}-problems`}>
          {problems.map((problem) => (
            <li key={`${problem.path}:${problem.message}`}>
              <ProblemWhere path={problem.path} /> {problem.message}
            </li>
          ))}
        </ul>
      )}
      {original === undefined ? (
        <p>A binary file: it is published as it is.</p>
      ) : file.bytes.byteLength > MAX_EDIT_BYTES ? (
        <p>Too large to edit here.</p>
      ) : (
        <form
          className="stack-form"
          onSubmit={(event) => {
            event.preventDefault();
            onSave(file.path, text);
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-text`}>Contents of {file.path}</label>
            <textarea
              id={`${id}-text`}
              className="code-editor"
              rows={Math.min(24, Math.max(6, text.split('\n').length + 1))}
              spellCheck={false}
              value={text}
              onChange={(event) => setText(event.target.value)}
              aria-describedby={problems.length > 0 ? `${id}-problems` : undefined}
            />
          </div>
          <p>
            <button type="submit" className="button" disabled={text === original}>
              Save and check again
            </button>
          </p>
        </form>
      )}
    </div>
  );
}
