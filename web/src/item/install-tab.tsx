import { useId, useState } from 'react';
import type { InstallConfig, McpInstallConfig } from '../../../src/entrypoints/http/schemas/items.ts';
import { api, archiveUrl } from '../api.ts';
import { ErrorBox, Loading } from '../components/bits.tsx';
import { CodeBlock } from '../components/copy-button.tsx';
import { Tabs } from '../components/tabs.tsx';
import { CLIENT_LABELS, type InstallClient, keysOf } from '../lib/labels.ts';
import { useAsync } from '../lib/use-async.ts';
import { useLocation, withParams } from '../router.tsx';
import type { ItemView } from './item-view.ts';

const CLIENTS = keysOf(CLIENT_LABELS);

/**
 * How to use the item in each client Atlas renders for: one tab per client. The instructions come from the read-only
 * install preview, so looking at them counts no install; values typed into the inputs form stay in this page.
 */
export function InstallTab({ view }: { view: ItemView }) {
  const location = useLocation();
  const asked = location.params.get('client');
  const client: InstallClient = CLIENTS.includes(asked as InstallClient) ? (asked as InstallClient) : CLIENTS[0]!;
  return (
    <section aria-labelledby="install-heading">
      <h2 id="install-heading">Install</h2>
      {view.historic && (
        <p className="notice">These instructions install the current version, not the commit shown above.</p>
      )}
      <Tabs
        label="Client"
        idPrefix="client"
        tabs={CLIENTS.map((id) => ({ id, label: CLIENT_LABELS[id], href: withParams(location, { client: id }) }))}
        selected={client}
      >
        <ClientInstructions key={client} view={view} client={client} />
      </Tabs>
    </section>
  );
}

function ClientInstructions({ view, client }: { view: ItemView; client: InstallClient }) {
  const answer = useAsync((signal) => api.installConfig(view.ref, { client }, signal), [view.ref, client]);
  if (answer.loading) return <Loading />;
  if (answer.error !== undefined) return <ErrorBox error={answer.error} />;
  if (!answer.data) return null;
  return <Instructions view={view} client={client} answer={answer.data} />;
}

function Instructions({ view, client, answer }: { view: ItemView; client: InstallClient; answer: InstallConfig }) {
  const { install } = answer;
  const cli = `atlas install ${view.ref} --client ${client}`;
  switch (install.kind) {
    case 'mcp':
      return <McpInstructions config={install.config} cli={cli} />;
    case 'skill':
      return (
        <div className="install">
          <ScopedPath
            what="Folder"
            paths={install.folder ?? {}}
            render={(_path, scope) => (
              <CodeBlock title="With the Atlas CLI" copyLabel="the install command" text={`${cli} --scope ${scope}`} />
            )}
          />
          {!install.folder && <CodeBlock title="With the Atlas CLI" copyLabel="the install command" text={cli} />}
          <p>
            <a href={archiveUrl(view.ref)} download>
              Download the skill as a zip
            </a>
          </p>
          <Notes notes={install.notes} />
        </div>
      );
    case 'tool':
      return (
        <div className="install">
          <CodeBlock title="With the Atlas CLI" copyLabel="the install command" text={cli} />
          <CodeBlock
            title="Tool definition"
            copyLabel="the tool definition"
            text={JSON.stringify(install.definition, null, 2)}
          />
        </div>
      );
  }
}

function Notes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <div className="notes">
      <h3>Notes</h3>
      <ul>
        {notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </div>
  );
}

type Scope = 'user' | 'project';
const SCOPE_LABELS: Record<Scope, string> = { user: 'For me (user)', project: 'For this project' };

/** A choice of user or project scope where the client offers both, and what goes where. */
function ScopedPath({
  what,
  paths,
  render,
}: {
  what: string;
  paths: { user?: string; project?: string };
  render: (path: string, scope: Scope) => React.ReactNode;
}) {
  const scopes = (['project', 'user'] as const).filter((scope) => paths[scope] !== undefined);
  const [scope, setScope] = useState<Scope>(scopes[0] ?? 'user');
  const name = useId();
  if (scopes.length === 0) return null;
  const path = paths[scope]!;
  return (
    <div className="scoped">
      {scopes.length > 1 && (
        <fieldset className="scope-choice">
          <legend>Scope</legend>
          {scopes.map((candidate) => (
            <label key={candidate}>
              <input
                type="radio"
                name={name}
                value={candidate}
                checked={scope === candidate}
                onChange={() => setScope(candidate)}
              />{' '}
              {SCOPE_LABELS[candidate]}
            </label>
          ))}
        </fieldset>
      )}
      <p>
        {what}: <code>{path}</code>
        {scopes.length === 1 && <span className="muted"> ({scope} scope)</span>}
      </p>
      {render(path, scope)}
    </div>
  );
}

/**
 * The holes of a rendered config: `<set NAME>` where Atlas needs a value it does not have, and the environment
 * references of inputs that are not secret (`${NAME}`, `${env:NAME}`), which a value may replace. Secrets stay
 * references: their values never go into a config file.
 */
const PLACEHOLDER = /<set ([A-Za-z_][A-Za-z0-9_.-]*)>|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g;

function placeholdersIn(texts: readonly string[], secrets: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(PLACEHOLDER)) {
      const name = match[1] ?? match[2]!;
      if (!secrets.includes(name)) found.add(name);
    }
  }
  return [...found];
}

const fill = (text: string, values: Readonly<Record<string, string>>, secrets: readonly string[]) =>
  text.replace(PLACEHOLDER, (hole, set: string | undefined, reference: string | undefined) => {
    const name = set ?? reference!;
    const value = values[name];
    if (!value || secrets.includes(name)) return hole;
    // Inside a JSON string a value must stay valid JSON.
    return JSON.stringify(value).slice(1, -1);
  });

/** The client's config file as JSON (or a TOML table, for a client that reads TOML). */
function configText(config: McpInstallConfig): { file: string; text: string } {
  const key = String(config.containerKey);
  if (key === 'mcp_servers')
    return { file: 'config.toml', text: tomlTable(`${key}.${config.serverKey}`, config.entry) };
  const document: Record<string, unknown> = { [key]: { [config.serverKey]: config.entry } };
  if (config.inputs && config.inputs.length > 0) document.inputs = config.inputs;
  return { file: 'JSON', text: JSON.stringify(document, null, 2) };
}

function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)} = ${tomlValue(v)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(String(value));
}

function tomlTable(name: string, entry: Record<string, unknown>): string {
  const lines = [
    `[${name
      .split('.')
      .map((part) => (/^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part)))
      .join('.')}]`,
  ];
  for (const [key, value] of Object.entries(entry)) lines.push(`${key} = ${tomlValue(value)}`);
  return `${lines.join('\n')}\n`;
}

function McpInstructions({ config, cli }: { config: McpInstallConfig; cli: string }) {
  const { file, text } = configText(config);
  const holes = placeholdersIn([text, config.command ?? ''], config.secrets);
  const [values, setValues] = useState<Record<string, string>>({});
  const formId = useId();
  return (
    <div className="install">
      {holes.length > 0 && (
        <form className="inputs-form" onSubmit={(event) => event.preventDefault()} aria-describedby={`${formId}-note`}>
          <fieldset>
            <legend>Inputs</legend>
            <p id={`${formId}-note`} className="muted">
              Type a value to write it into the snippets below instead of a placeholder or an environment variable. What
              you type stays in this page: it is never sent to Atlas.
            </p>
            {holes.map((hole) => (
              <div className="field" key={hole}>
                <label htmlFor={`${formId}-${hole}`}>{hole}</label>
                <input
                  id={`${formId}-${hole}`}
                  value={values[hole] ?? ''}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(event) => setValues({ ...values, [hole]: event.target.value })}
                />
              </div>
            ))}
          </fieldset>
        </form>
      )}
      {config.command && (
        <CodeBlock title="Command" copyLabel="the command" text={fill(config.command, values, config.secrets)} />
      )}
      <CodeBlock title="With the Atlas CLI" copyLabel="the install command" text={cli} />
      <ScopedPath
        what="Config file"
        paths={config.configPath}
        render={(path) => (
          <CodeBlock
            title={`Add to ${path} (${file})`}
            copyLabel="the configuration"
            text={fill(text, values, config.secrets)}
          />
        )}
      />
      {config.secrets.length > 0 && (
        <div className="secrets">
          <h3>Secrets</h3>
          <p>
            The configuration reads these from your environment; set them before the client starts. Their values are
            never written into the file:
          </p>
          <ul>
            {config.secrets.map((secret) => (
              <li key={secret}>
                <code>{secret}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Notes notes={config.notes} />
    </div>
  );
}
