import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { applyEdits, type FormattingOptions, modify, type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { McpConfigFormat, McpContainerKey } from '../../../domain/catalog/install-clients.ts';
import { ConflictError, ValidationError } from '../../../domain/errors.ts';
import { removeTomlTable, setTomlTable } from '../../../lib/install/toml-tables.ts';

type Json = unknown;
type JsonMap = Record<string, Json>;

/** Where a client keeps its MCP servers in its config file, and the file's syntax. */
export interface McpContainer {
  readonly containerKey: McpContainerKey;
  /** The keys above `containerKey`: `["projects", "/work/app"]` for Claude Code's local scope; none by default. */
  readonly within?: readonly string[];
  /** `json` by default. */
  readonly format?: McpConfigFormat;
}

/** An MCP server to place in a client's config file: `config[...within][containerKey][serverKey] = entry`. */
export interface McpServerEntry extends McpContainer {
  readonly serverKey: string;
  readonly entry: JsonMap;
  /** VS Code's top-level `inputs`: added when no input has the same id. */
  readonly inputs?: readonly JsonMap[];
}

export interface ConfigFileChange {
  readonly path: string;
  readonly action: 'added' | 'replaced' | 'unchanged' | 'removed' | 'absent';
  /** The file did not exist and was created. */
  readonly created: boolean;
  /** A copy of the file as it was before the change; null when nothing was overwritten. */
  readonly backup: string | null;
}

export interface ConfigFile {
  readonly exists: boolean;
  /** The text as read, without a byte order mark. */
  readonly text: string;
  readonly bom: boolean;
  readonly data: JsonMap;
  readonly mode: number | undefined;
  readonly format: McpConfigFormat;
}

const isMap = (value: Json): value is JsonMap => typeof value === 'object' && value !== null && !Array.isArray(value);
const untouched = 'Atlas left it untouched';

/**
 * Reads a client config file and checks that Atlas can merge into it: missing is an empty config; text that does
 * not parse in the file's syntax (plain JSON, JSON with comments, TOML), or whose top level, servers map (or a key
 * above it) or `inputs` has the wrong type, is a ValidationError naming the file, which is never written. A symbolic
 * link is refused too.
 */
export async function readMcpConfig(path: string, container: McpContainer): Promise<ConfigFile> {
  const format = container.format ?? 'json';
  let raw: string;
  let mode: number | undefined;
  const symlink = () =>
    new ValidationError({
      path,
      message: `is a symbolic link; ${untouched}, since writing it would replace the link with a copy of the file it points to: install into the file it points to instead (or replace the link with a file)`,
    });
  try {
    // Opened without following a link (and checked with lstat where O_NOFOLLOW does not exist), so that a project's
    // .mcp.json pointing at ~/.claude.json is never read, copied into a backup or replaced.
    if ((await lstat(path)).isSymbolicLink()) throw symlink();
    const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ValidationError({ path, message: `is not a regular file; ${untouched}` });
      raw = await handle.readFile('utf8');
      mode = info.mode & 0o777;
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { exists: false, text: '', bom: false, data: {}, mode: undefined, format };
    if (code === 'ELOOP') throw symlink();
    throw error;
  }
  const bom = raw.startsWith('\uFEFF');
  const text = bom ? raw.slice(1) : raw;
  const data = text.trim() === '' ? {} : parseConfig(path, text, format);
  checkShape(path, data, container, format);
  return { exists: true, text, bom, data, mode, format };
}

/** The document in a config text; a ValidationError that says where it breaks when it does not parse. */
function parseConfig(path: string, text: string, format: McpConfigFormat): JsonMap {
  let data: Json;
  if (format === 'toml') {
    try {
      data = parseToml(text);
    } catch (error) {
      const place = error instanceof TomlError ? `line ${error.line}, column ${error.column}` : String(error);
      throw new ValidationError({
        path,
        message: `is not valid TOML (${place}); ${untouched}: fix it, or move it away and install again to start a new file`,
      });
    }
  } else if (format === 'jsonc') {
    const errors: ParseError[] = [];
    data = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
    if (errors.length > 0) {
      const [first] = errors;
      throw new ValidationError({
        path,
        message: `is not valid JSON with comments (${offsetPlace(text, first!.offset)}: ${printParseErrorCode(first!.error)}); ${untouched}: fix it, or move it away and install again to start a new file`,
      });
    }
  } else {
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = isJsonWithComments(text)
        ? `holds comments or trailing commas, which its client does not read (the file must be plain JSON); ${untouched}: take the comments and trailing commas out and install again, or add the entry by hand`
        : `is not valid JSON (${jsonErrorPlace(text, error as Error)}); ${untouched}: fix it, or move it away and install again to start a new file`;
      throw new ValidationError({ path, message });
    }
  }
  if (!isMap(data)) {
    throw new ValidationError({
      path,
      message: `is not a ${format === 'toml' ? 'TOML document' : 'JSON object'}; ${untouched}`,
    });
  }
  return data;
}

function checkShape(path: string, data: JsonMap, container: McpContainer, format: McpConfigFormat): void {
  const kind = format === 'toml' ? 'TOML table' : 'JSON object';
  let at: Json = data;
  const keys: string[] = [];
  for (const key of [...(container.within ?? []), container.containerKey]) {
    keys.push(key);
    at = isMap(at) ? at[key] : undefined;
    if (at === undefined) return;
    if (!isMap(at)) {
      throw new ValidationError({
        path,
        message: `${keys.map((name) => JSON.stringify(name)).join('.')} is not a ${kind}; ${untouched}`,
      });
    }
  }
  if (container.containerKey === 'servers' && data.inputs !== undefined && !Array.isArray(data.inputs)) {
    throw new ValidationError({ path, message: `"inputs" is not a JSON array; ${untouched}` });
  }
}

/** The servers map of a config document, when it has one. */
export function serversOf(data: JsonMap, container: McpContainer): JsonMap | undefined {
  let at: Json = data;
  for (const key of [...(container.within ?? []), container.containerKey]) at = isMap(at) ? at[key] : undefined;
  return isMap(at) ? at : undefined;
}

/**
 * Adds (or with `force` replaces) one server in a client's config file, changing nothing else: other entries, other
 * keys, comments (JSON with comments, TOML), key order, indentation and line ends stay as they were.
 * - the file and its parent folders are created when absent (`newFileMode`, 0600 by default);
 * - an existing file is copied to `<file>.<UTC time>.bak` first, then replaced atomically (a temporary file
 *   beside it, renamed over it), keeping its mode;
 * - the same entry already there changes nothing; a different one is a ConflictError unless `force`;
 * - a file Atlas cannot read, or cannot change without disturbing the rest (the new text is parsed again and must
 *   hold exactly the old document plus the entry), is a ValidationError and is left byte for byte as it was.
 */
export async function addMcpServer(
  path: string,
  server: McpServerEntry,
  options: { force?: boolean; newFileMode?: number; now?: Date } = {},
): Promise<ConfigFileChange> {
  const file = await readMcpConfig(path, server);
  const existing = serversOf(file.data, server)?.[server.serverKey];
  const sameEntry = existing !== undefined && canonical(existing) === canonical(server.entry);
  const missingInputs = missingInputsOf(file.data, server.inputs ?? []);
  if (sameEntry && missingInputs.length === 0) return { path, action: 'unchanged', created: false, backup: null };
  if (existing !== undefined && !sameEntry && !options.force) {
    throw new ConflictError(
      `${path} already has a different server named "${server.serverKey}" under "${server.containerKey}"; install with --force to replace it`,
    );
  }
  const keys = [...(server.within ?? []), server.containerKey, server.serverKey];
  const expected = structuredClone(file.data);
  setAt(expected, keys, server.entry);
  if (missingInputs.length > 0) {
    expected.inputs = [...((expected.inputs as Json[] | undefined) ?? []), ...missingInputs];
  }
  let text: string;
  if (!file.exists || file.text.trim() === '') {
    text = file.format === 'toml' ? setTomlTable('', keys, server.entry) : `${JSON.stringify(expected, null, 2)}\n`;
  } else {
    text = editText(path, file, (current) => {
      if (file.format === 'toml') return setTomlTable(current, keys, server.entry);
      let next = jsonEdit(current, keys, server.entry);
      for (const input of missingInputs) next = jsonEdit(next, ['inputs', -1], input, true);
      return next;
    });
  }
  checkResult(path, file, text, expected);
  const backup = await writeConfig(path, file, text, options);
  return { path, action: existing === undefined ? 'added' : 'replaced', created: !file.exists, backup };
}

/**
 * Removes one server from a client's config file, with a backup, changing nothing else (comments included). VS Code
 * inputs that only the removed entry used go with it. A missing file or entry changes nothing.
 */
export async function removeMcpServer(
  path: string,
  server: McpContainer & { readonly serverKey: string },
  options: { now?: Date } = {},
): Promise<ConfigFileChange> {
  const file = await readMcpConfig(path, server);
  const servers = serversOf(file.data, server);
  if (!file.exists || !servers || !(server.serverKey in servers)) {
    return { path, action: 'absent', created: false, backup: null };
  }
  const keys = [...(server.within ?? []), server.containerKey, server.serverKey];
  const expected = structuredClone(file.data);
  const removed = JSON.stringify(servers[server.serverKey]);
  deleteAt(expected, keys);
  const unused: number[] = [];
  if (Array.isArray(expected.inputs)) {
    const { inputs, ...rest } = expected;
    const stillUsed = JSON.stringify(rest);
    (inputs as Json[]).forEach((input, index) => {
      const id = isMap(input) ? input.id : undefined;
      if (typeof id !== 'string') return;
      const reference = `\${input:${id}}`;
      if (removed.includes(reference) && !stillUsed.includes(reference)) unused.push(index);
    });
    expected.inputs = (inputs as Json[]).filter((_, index) => !unused.includes(index));
  }
  const text = editText(path, file, (current) => {
    if (file.format === 'toml') return removeTomlTable(current, keys);
    let next = jsonEdit(current, keys, undefined);
    for (const index of [...unused].reverse()) next = jsonEdit(next, ['inputs', index], undefined);
    return next;
  });
  checkResult(path, file, text, expected, keys.slice(0, -1));
  const backup = await writeConfig(path, file, text, options);
  return { path, action: 'removed', created: false, backup };
}

function missingInputsOf(data: JsonMap, inputs: readonly JsonMap[]): JsonMap[] {
  const known = new Set(
    (Array.isArray(data.inputs) ? data.inputs : []).map((input) => (isMap(input) ? input.id : undefined)),
  );
  return inputs.filter((input) => !known.has(input.id));
}

function setAt(data: JsonMap, keys: readonly string[], value: Json): void {
  let at = data;
  for (const key of keys.slice(0, -1)) {
    if (!isMap(at[key])) at[key] = {};
    at = at[key] as JsonMap;
  }
  at[keys[keys.length - 1]!] = value;
}

function deleteAt(data: JsonMap, keys: readonly string[]): void {
  let at: Json = data;
  for (const key of keys.slice(0, -1)) at = isMap(at) ? at[key] : undefined;
  if (isMap(at)) delete at[keys[keys.length - 1]!];
}

/** Runs a text edit; an edit that cannot be made (a TOML header Atlas cannot read) leaves the file alone. */
function editText(path: string, file: ConfigFile, edit: (text: string) => string): string {
  try {
    return edit(file.text);
  } catch (error) {
    throw new ValidationError({
      path,
      message: `could not be changed without rewriting parts of it Atlas does not own (${(error as Error).message}); ${untouched}: add the entry by hand`,
    });
  }
}

/**
 * The new text must parse, in the file's syntax, to exactly the document expected: what was there plus (or less)
 * the one entry. Anything else (a table written inline, a key repeated, a layout the edit did not foresee) leaves the
 * file as it was. `emptied` is the map an entry was removed from, which TOML may drop once it is empty.
 */
function checkResult(path: string, file: ConfigFile, text: string, expected: JsonMap, emptied?: readonly string[]) {
  let actual: JsonMap;
  try {
    actual = parseConfig(path, text, file.format);
  } catch {
    actual = { unreadable: true };
  }
  if (emptied && file.format === 'toml') {
    let parent: Json = expected;
    for (const key of emptied.slice(0, -1)) parent = isMap(parent) ? parent[key] : undefined;
    const last = emptied[emptied.length - 1]!;
    let actualParent: Json = actual;
    for (const key of emptied.slice(0, -1)) actualParent = isMap(actualParent) ? actualParent[key] : undefined;
    if (isMap(parent) && isMap(parent[last]) && Object.keys(parent[last]).length === 0) {
      if (!isMap(actualParent) || actualParent[last] === undefined) delete parent[last];
    }
  }
  if (canonical(actual) !== canonical(expected)) {
    throw new ValidationError({
      path,
      message: `could not be changed without disturbing the rest of it (the servers map may be written inline, or a key repeated); ${untouched}: add the entry by hand`,
    });
  }
}

/** One JSON edit that keeps comments, formatting and everything outside the edited value. */
function jsonEdit(text: string, path: (string | number)[], value: Json, isArrayInsertion = false): string {
  return applyEdits(text, modify(text, path, value, { formattingOptions: formattingOf(text), isArrayInsertion }));
}

/** The indentation and line ends the file already uses (two spaces when it has none to copy). */
function formattingOf(text: string): FormattingOptions {
  const match = /^\s*[{[][ \t]*\r?\n([ \t]+)\S/.exec(text);
  const indent = match?.[1] && match[1].length <= 10 ? match[1] : '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.includes('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol };
}

async function writeConfig(
  path: string,
  file: ConfigFile,
  text: string,
  options: { newFileMode?: number; now?: Date },
): Promise<string | null> {
  await mkdir(dirname(path), { recursive: true });
  const backup = file.exists ? await backUp(path, options.now ?? new Date()) : null;
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, file.bom ? `\uFEFF${text}` : text, {
      mode: file.mode ?? options.newFileMode ?? 0o600,
      flag: 'wx',
    });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return backup;
}

/** Copies the file to `<file>.<YYYYMMDD-HHMMSS>.bak` (UTC), never over an earlier backup. */
async function backUp(path: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  for (let attempt = 1; ; attempt++) {
    const backup = `${path}.${stamp}${attempt > 1 ? `-${attempt}` : ''}.bak`;
    try {
      await copyFile(path, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw error;
    }
  }
}

/** JSON with keys sorted, to compare documents regardless of key order (TOML dates and big integers as text). */
function canonical(value: Json): string {
  return JSON.stringify(value, (_key, item) => {
    if (typeof item === 'bigint') return item.toString();
    return isMap(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item;
  });
}

/** "line 3, column 7" for an offset into the text. */
function offsetPlace(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** "line 3, column 7" from the position V8 reports. */
function jsonErrorPlace(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message);
  return position ? offsetPlace(text, Number(position[1])) : error.message.replace(/^JSON\.parse: /, '');
}

/** True when the text parses once comments and trailing commas are taken out (JSON with comments). */
function isJsonWithComments(text: string): boolean {
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors.length === 0;
}
