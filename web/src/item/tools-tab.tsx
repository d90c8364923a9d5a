import { CodeBlock } from '../components/copy-button.tsx';
import type { ItemView } from './item-view.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

interface Row {
  name: string;
  where: string;
  type: string;
  required: boolean;
  secret?: boolean;
  description: string;
  fallback: string;
}

/** A JSON Schema object's properties, one row each. */
function schemaRows(schema: Json): Row[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(properties).map(([name, property]) => {
    const p = isObject(property) ? property : {};
    const type = Array.isArray(p.enum) ? `one of ${p.enum.map((v) => JSON.stringify(v)).join(', ')}` : text(p.type);
    return {
      name,
      where: 'argument',
      type: type || 'any',
      required: required.has(name),
      description: text(p.description),
      fallback: p.default === undefined ? '' : JSON.stringify(p.default),
    };
  });
}

/** The inputs of a server.json's packages and remotes: environment variables, headers and arguments. */
function serverRows(manifest: Json): Row[] {
  const rows: Row[] = [];
  const add = (where: string, input: unknown, nameKey = 'name') => {
    if (!isObject(input)) return;
    rows.push({
      name: text(input[nameKey] ?? input.valueHint ?? input.value),
      where,
      type: text(input.format) || 'string',
      required: input.isRequired === true,
      secret: input.isSecret === true,
      description: text(input.description),
      fallback: input.default === undefined ? '' : text(input.default),
    });
  };
  const packages = Array.isArray(manifest.packages) ? manifest.packages : [];
  packages.forEach((pkg, index) => {
    if (!isObject(pkg)) return;
    const label = `package ${index + 1}`;
    for (const variable of Array.isArray(pkg.environmentVariables) ? pkg.environmentVariables : [])
      add(`${label}: environment`, variable);
    for (const argument of Array.isArray(pkg.packageArguments) ? pkg.packageArguments : [])
      add(`${label}: argument`, argument);
    for (const argument of Array.isArray(pkg.runtimeArguments) ? pkg.runtimeArguments : [])
      add(`${label}: runtime argument`, argument);
    if (isObject(pkg.transport))
      for (const header of Array.isArray(pkg.transport.headers) ? pkg.transport.headers : [])
        add(`${label}: header`, header);
  });
  const remotes = Array.isArray(manifest.remotes) ? manifest.remotes : [];
  remotes.forEach((remote, index) => {
    if (!isObject(remote)) return;
    for (const header of Array.isArray(remote.headers) ? remote.headers : [])
      add(`remote ${index + 1}: header`, header);
  });
  return rows;
}

function InputTable({ rows, caption, showWhere }: { rows: Row[]; caption: string; showWhere: boolean }) {
  if (rows.length === 0) return <p>No inputs.</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than the screen scrolls by keyboard.
    <section className="table-scroll" tabIndex={0} aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showWhere && <th scope="col">Where</th>}
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Description</th>
            <th scope="col">Default</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.where}:${row.name}`}>
              <th scope="row">
                <code>{row.name}</code>
                {row.secret && <span className="badge status-secret">secret</span>}
              </th>
              {showWhere && <td>{row.where}</td>}
              <td>{row.type}</td>
              <td>{row.required ? 'Yes' : 'No'}</td>
              <td>{row.description}</td>
              <td>{row.fallback && <code>{row.fallback}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A tool's input schema, or an MCP server's configuration inputs and how it runs, as a table and as JSON. */
export function ToolsTab({ view }: { view: ItemView }) {
  const manifest = view.manifest ?? {};
  if (view.details.item.kind === 'tool') {
    const schema = isObject(manifest.input_schema) ? manifest.input_schema : {};
    return (
      <section aria-labelledby="tools-heading">
        <h2 id="tools-heading">
          Tool <code>{text(manifest.name)}</code>
        </h2>
        {typeof manifest.description === 'string' && <p>{manifest.description}</p>}
        <InputTable rows={schemaRows(schema)} caption="Input schema" showWhere={false} />
        <CodeBlock title="input_schema" copyLabel="the input schema" text={JSON.stringify(schema, null, 2)} />
        {isObject(manifest.implementation) && (
          <CodeBlock
            title="implementation"
            copyLabel="the implementation"
            text={JSON.stringify(manifest.implementation, null, 2)}
          />
        )}
      </section>
    );
  }
  const packages = Array.isArray(manifest.packages) ? manifest.packages : [];
  const remotes = Array.isArray(manifest.remotes) ? manifest.remotes : [];
  return (
    <section aria-labelledby="tools-heading">
      <h2 id="tools-heading">Server inputs</h2>
      <p className="muted">
        What the server needs from whoever runs it. Its tools are listed by the server itself once a client connects.
      </p>
      <InputTable rows={serverRows(manifest)} caption="Configuration inputs" showWhere />
      {packages.length > 0 && (
        <CodeBlock title="packages" copyLabel="the packages" text={JSON.stringify(packages, null, 2)} />
      )}
      {remotes.length > 0 && (
        <CodeBlock title="remotes" copyLabel="the remotes" text={JSON.stringify(remotes, null, 2)} />
      )}
    </section>
  );
}
