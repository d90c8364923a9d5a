import { CodeBlock } from '../components/copy-button.tsx';
import type { ItemView } from './item-view.ts';

const MANIFEST_NAMES = { skill: 'SKILL.md front matter', mcp: 'server.json', tool: 'tool.json' } as const;

/** The parsed manifest as the catalog stores it. */
export function RawTab({ view }: { view: ItemView }) {
  const kind = view.details.item.kind;
  return (
    <section aria-labelledby="raw-heading">
      <h2 id="raw-heading">Manifest</h2>
      <p className="muted">The parsed {MANIFEST_NAMES[kind]}, as JSON.</p>
      {view.manifest ? (
        <CodeBlock title="manifest.json" copyLabel="the manifest" text={JSON.stringify(view.manifest, null, 2)} />
      ) : (
        <p>This version has no valid manifest.</p>
      )}
    </section>
  );
}
