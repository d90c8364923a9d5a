import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConflictError, ValidationError } from '../../../domain/errors.ts';

type Json = unknown;
type JsonMap = Record<string, Json>;

/** An MCP server to place in a client's config file: `config[containerKey][serverKey] = entry`. */
export interface McpServerEntry {
  readonly containerKey: 'mcpServers' | 'servers';
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

interface ConfigFile {
  readonly exists: boolean;
  readonly text: string;
  readonly data: JsonMap;
  readonly mode: number | undefined;
}

const isMap = (value: Json): value is JsonMap => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a client config file and checks that Atlas can merge into it: missing is an empty config; JSON that does
 * not parse, or whose top level, `containerKey` or `inputs` has the wrong type, is a ValidationError naming the
 * file, which is never written.
 */
export async function readMcpConfig(path: string, containerKey: McpServerEntry['containerKey']): Promise<ConfigFile> {
  let text: string;
  let mode: number | undefined;
  const untouched = 'Atlas left it untouched';
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
      text = await handle.readFile('utf8');
      mode = info.mode & 0o777;
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { exists: false, text: '', data: {}, mode: undefined };
    if (code === 'ELOOP') throw symlink();
    throw error;
  }
  if (text.trim() === '') return { exists: true, text, data: {}, mode };
  let data: Json;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = isJsonWithComments(text)
      ? `holds comments or trailing commas (JSON with comments), which Atlas does not rewrite so that nothing is lost; ${untouched}: take the comments and trailing commas out and install again, or add the entry by hand`
      : `is not valid JSON (${jsonErrorPlace(text, error as Error)}); ${untouched}: fix it, or move it away and install again to start a new file`;
    throw new ValidationError({ path, message });
  }
  if (!isMap(data)) {
    throw new ValidationError({ path, message: `is not a JSON object; ${untouched}` });
  }
  if (data[containerKey] !== undefined && !isMap(data[containerKey])) {
    throw new ValidationError({ path, message: `"${containerKey}" is not a JSON object; ${untouched}` });
  }
  if (containerKey === 'servers' && data.inputs !== undefined && !Array.isArray(data.inputs)) {
    throw new ValidationError({ path, message: `"inputs" is not a JSON array; ${untouched}` });
  }
  return { exists: true, text, data, mode };
}

/**
 * Adds (or with `force` replaces) one server in a client's config file, keeping every other entry and key.
 * - the file and its parent folders are created when absent (`newFileMode`, 0600 by default);
 * - an existing file is copied to `<file>.<UTC time>.bak` first, then replaced atomically (a temporary file
 *   beside it, renamed over it), keeping its mode and indentation;
 * - the same entry already there changes nothing; a different one is a ConflictError unless `force`;
 * - a file Atlas cannot read as a JSON object is a ValidationError and is left byte for byte as it was.
 */
export async function addMcpServer(
  path: string,
  server: McpServerEntry,
  options: { force?: boolean; newFileMode?: number; now?: Date } = {},
): Promise<ConfigFileChange> {
  const file = await readMcpConfig(path, server.containerKey);
  const data = structuredClone(file.data);
  const container = (isMap(data[server.containerKey]) ? data[server.containerKey] : {}) as JsonMap;
  const existing = container[server.serverKey];
  const sameEntry = existing !== undefined && canonical(existing) === canonical(server.entry);
  const missingInputs = missingInputsOf(data, server.inputs ?? []);
  if (sameEntry && missingInputs.length === 0) return { path, action: 'unchanged', created: false, backup: null };
  if (existing !== undefined && !sameEntry && !options.force) {
    throw new ConflictError(
      `${path} already has a different server named "${server.serverKey}" under "${server.containerKey}"; install with --force to replace it`,
    );
  }
  container[server.serverKey] = server.entry;
  data[server.containerKey] = container;
  if (missingInputs.length > 0) data.inputs = [...((data.inputs as Json[] | undefined) ?? []), ...missingInputs];
  const backup = await writeConfig(path, file, data, options);
  return { path, action: existing === undefined ? 'added' : 'replaced', created: !file.exists, backup };
}

/**
 * Removes one server from a client's config file, with a backup, keeping everything else. VS Code inputs that
 * only the removed entry used go with it. A missing file or entry changes nothing.
 */
export async function removeMcpServer(
  path: string,
  server: Pick<McpServerEntry, 'containerKey' | 'serverKey'>,
  options: { now?: Date } = {},
): Promise<ConfigFileChange> {
  const file = await readMcpConfig(path, server.containerKey);
  const container = file.data[server.containerKey];
  if (!file.exists || !isMap(container) || !(server.serverKey in container)) {
    return { path, action: 'absent', created: false, backup: null };
  }
  const data = structuredClone(file.data);
  const servers = data[server.containerKey] as JsonMap;
  const removed = JSON.stringify(servers[server.serverKey]);
  delete servers[server.serverKey];
  if (Array.isArray(data.inputs)) {
    const { inputs, ...rest } = data;
    const stillUsed = JSON.stringify(rest);
    data.inputs = (inputs as Json[]).filter((input) => {
      const id = isMap(input) ? input.id : undefined;
      if (typeof id !== 'string') return true;
      const reference = `\${input:${id}}`;
      return !removed.includes(reference) || stillUsed.includes(reference);
    });
  }
  const backup = await writeConfig(path, file, data, options);
  return { path, action: 'removed', created: false, backup };
}

function missingInputsOf(data: JsonMap, inputs: readonly JsonMap[]): JsonMap[] {
  const known = new Set(
    (Array.isArray(data.inputs) ? data.inputs : []).map((input) => (isMap(input) ? input.id : undefined)),
  );
  return inputs.filter((input) => !known.has(input.id));
}

async function writeConfig(
  path: string,
  file: ConfigFile,
  data: JsonMap,
  options: { newFileMode?: number; now?: Date },
): Promise<string | null> {
  await mkdir(dirname(path), { recursive: true });
  const backup = file.exists ? await backUp(path, options.now ?? new Date()) : null;
  const newline = file.text.includes('\r\n') ? '\r\n' : '\n';
  let text = JSON.stringify(data, null, indentOf(file.text));
  if (newline !== '\n') text = text.replaceAll('\n', newline);
  if (!file.exists || /\r?\n$/.test(file.text)) text += newline;
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { mode: file.mode ?? options.newFileMode ?? 0o600, flag: 'wx' });
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

/** The indentation the file already uses (two spaces when it has none to copy). */
function indentOf(text: string): string | number {
  const match = /^\s*[{[][ \t]*\r?\n([ \t]+)\S/.exec(text);
  return match?.[1] && match[1].length <= 10 ? match[1] : 2;
}

/** JSON with keys sorted, to compare entries regardless of key order. */
function canonical(value: Json): string {
  return JSON.stringify(value, (_key, item) =>
    isMap(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

/** "line 3, column 7" from the position V8 reports. */
function jsonErrorPlace(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message);
  if (!position) return error.message.replace(/^JSON\.parse: /, '');
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** True when the text parses once comments and trailing commas are taken out (VS Code's JSONC). */
function isJsonWithComments(text: string): boolean {
  let out = '';
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const next = text[index + 1];
    if (inString) {
      out += char;
      if (char === '\\') out += text[++index] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '/' && next === '/') {
      while (index < text.length && text[index] !== '\n') index++;
      out += '\n';
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  try {
    JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
    return true;
  } catch {
    return false;
  }
}
