import { type FormEvent, useState } from 'react';
import type { ItemDetails, PatchBody } from '../../../src/entrypoints/http/schemas/items.ts';
import { useAnnounce } from '../announcer.tsx';
import { api, errorText } from '../api.ts';
import { ErrorBox } from '../components/bits.tsx';
import type { ItemKind } from '../lib/labels.ts';
import { useAsync } from '../lib/use-async.ts';

/** The edits the item's publisher, its team's maintainers and admins may make (the server checks them again). */
export function ManagePanel({ details, onChanged }: { details: ItemDetails; onChanged: () => void }) {
  const { item } = details;
  const announce = useAnnounce();
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const run = async (what: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      announce(what);
      onChanged();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };
  const patch = (what: string, body: PatchBody) => run(what, () => api.patch(item.ref, body));

  const saveTags = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const tags = String(new FormData(event.currentTarget).get('tags') ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    void patch('Tags saved.', { tags });
  };
  const saveVisibility = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const visibility = String(new FormData(event.currentTarget).get('visibility')) === 'team' ? 'team' : 'org';
    void patch('Visibility saved.', { visibility });
  };
  const deprecate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const statusMessage = String(new FormData(event.currentTarget).get('statusMessage') ?? '').trim();
    void patch('Marked as deprecated.', { status: 'deprecated', statusMessage });
  };

  return (
    <details className="manage">
      <summary>Manage this item</summary>
      <div className="manage-body">
        {error && <ErrorBox>{error}</ErrorBox>}
        <form onSubmit={saveTags} className="inline-form">
          <div className="field grow">
            <label htmlFor="manage-tags">Tags, separated by commas</label>
            <input id="manage-tags" name="tags" defaultValue={item.tags.join(', ')} key={item.tags.join(',')} />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Save tags
          </button>
        </form>
        <form onSubmit={saveVisibility} className="inline-form">
          <div className="field">
            <label htmlFor="manage-visibility">Visible to</label>
            <select id="manage-visibility" name="visibility" defaultValue={item.visibility} key={item.visibility}>
              <option value="org">Everyone signed in</option>
              <option value="team">The team only</option>
            </select>
          </div>
          <button type="submit" className="button" disabled={busy}>
            Save visibility
          </button>
        </form>
        {item.status === 'deprecated' ? (
          <div className="inline-form">
            <p>Deprecated: {item.statusMessage}</p>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void patch('Marked as active again.', { status: 'active', statusMessage: null })}
            >
              Undo deprecation
            </button>
          </div>
        ) : (
          <form onSubmit={deprecate} className="inline-form">
            <div className="field grow">
              <label htmlFor="manage-deprecate">Deprecation message (say what to use instead)</label>
              <input id="manage-deprecate" name="statusMessage" maxLength={500} required />
            </div>
            <button type="submit" className="button" disabled={busy}>
              Deprecate
            </button>
          </form>
        )}
        <div className="danger-zone">
          {confirmDelete ? (
            <div>
              <p id="delete-question">
                Delete {item.ref}? Its folder leaves git (its history stays) and it leaves search. It can be restored.
              </p>
              <button
                type="button"
                className="button danger"
                disabled={busy}
                onClick={() => void run('Deleted.', () => api.remove(item.ref, item.treeSha))}
              >
                Delete it
              </button>{' '}
              <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" className="button danger" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          )}
        </div>
      </div>
    </details>
  );
}

/** On a missing item's page: when it was deleted and the viewer may restore it, the way back. */
export function RestoreDeleted({
  refText,
  kind,
  namespace,
  name,
  onRestored,
}: {
  refText: string;
  kind: ItemKind;
  namespace: string;
  name: string;
  onRestored: () => void;
}) {
  const announce = useAnnounce();
  const [error, setError] = useState<string | undefined>(undefined);
  const deleted = useAsync(
    (signal) => api.search({ q: name, kind, namespace, status: 'deleted', limit: 20 }, signal),
    [refText],
  );
  const found = deleted.data?.items.find((item) => item.ref === refText);
  if (!found) return null;
  const restore = async () => {
    try {
      await api.patch(refText, { status: 'active' });
      announce('Restored.');
      onRestored();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return (
    <div className="notice warning">
      <p>This item was deleted.</p>
      {error && <ErrorBox>{error}</ErrorBox>}
      <button type="button" className="button" onClick={() => void restore()}>
        Restore {refText}
      </button>
    </div>
  );
}
