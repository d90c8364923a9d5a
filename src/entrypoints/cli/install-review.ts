import type { InstallClient } from '../../domain/catalog/install-clients.ts';
import { nameProblem } from '../../domain/catalog/item-name.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { computeTreeId } from '../../domain/content/tree-id.ts';
import { parseSkillMd } from '../../domain/manifests/skill-md.ts';
import { readZipBundle } from '../../lib/zip/zip-reader.ts';
import type { ItemDetails } from '../http/schemas/items.ts';
import type { AtlasApi } from './atlas-api.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext, CommandInput } from './command.ts';
import { DOWNLOAD_LIMITS } from './install-targets.ts';
import { NOT_FOUND_HINT, resolveVersion } from './item-reference.ts';

type JsonMap = Record<string, unknown>;

const isMap = (value: unknown): value is JsonMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringMap = (value: unknown): value is Record<string, string> =>
  isMap(value) && Object.values(value).every((item) => typeof item === 'string');

/** What an MCP config entry makes the client run or reach: shown before it is written, and by `atlas show`. */
export interface EntrySummary {
  readonly command: string | null;
  readonly args: string[];
  readonly url: string | null;
  /** Names only: values may be secrets (they are placeholders when Atlas renders them, but a server could lie). */
  readonly env: string[];
  readonly headers: string[];
  /** Keys other than the ones above and `type`. */
  readonly other: string[];
}

/** The keys of the entries Atlas renders, across clients, and the type each must have. */
const KNOWN_KEYS: Record<string, 'string' | 'strings' | 'map'> = {
  type: 'string',
  command: 'string',
  args: 'strings',
  url: 'string',
  httpUrl: 'string',
  serverUrl: 'string',
  env: 'map',
  headers: 'map',
  // Codex
  env_vars: 'strings',
  bearer_token_env_var: 'string',
  http_headers: 'map',
  env_http_headers: 'map',
};
const URL_KEYS = ['url', 'httpUrl', 'serverUrl'] as const;

/**
 * Keys Atlas never renders that would let a server's tools run without the user's confirmation: a server that sends
 * them is refused, not merely shown.
 */
const REFUSED_KEYS: Partial<Record<InstallClient, string[]>> = {
  gemini: ['trust'],
  codex: ['default_tools_approval_mode', 'tools'],
};

/**
 * Checks the entry a server rendered and says what it configures. A server key that is not an item name
 * (`a-z0-9-`), an entry that is not an object, fields of the wrong type, or a key that turns off the client's
 * confirmations are refused: they are data from the wire, written into a file the client runs commands from.
 */
export function reviewMcpEntry(ref: string, serverKey: unknown, entry: unknown, client?: InstallClient): EntrySummary {
  const refuse = (why: string) =>
    new CliError(`the server's answer for ${ref} is not a valid MCP entry: ${why}; nothing was written`, {
      code: 'bad_answer',
      hint: 'this is a problem with the server (or something between it and you), not with your input',
    });
  const keyProblem = typeof serverKey === 'string' ? nameProblem(serverKey, 64) : 'is not a string';
  if (keyProblem) throw refuse(`the server key ${JSON.stringify(serverKey)} ${keyProblem}`);
  if (!isMap(entry)) throw refuse('the entry is not a JSON object');
  for (const [key, type] of Object.entries(KNOWN_KEYS)) {
    const value = entry[key];
    if (value === undefined) continue;
    if (type === 'string' && typeof value !== 'string') throw refuse(`"${key}" is not a string`);
    if (type === 'strings' && !(Array.isArray(value) && value.every((item) => typeof item === 'string')))
      throw refuse(`"${key}" is not a list of strings`);
    if (type === 'map' && !isStringMap(value)) throw refuse(`"${key}" is not a map of strings`);
  }
  for (const key of (client && REFUSED_KEYS[client]) ?? []) {
    if (entry[key] !== undefined) throw refuse(`it sets "${key}", which would skip the confirmation of its tool calls`);
  }
  const url = URL_KEYS.map((key) => entry[key]).find((value): value is string => typeof value === 'string');
  if (entry.command === undefined && url === undefined) throw refuse('it has neither a command nor a URL');
  const names = (key: string) => Object.keys((entry[key] as Record<string, string> | undefined) ?? {});
  return {
    command: (entry.command as string | undefined) ?? null,
    args: (entry.args as string[] | undefined) ?? [],
    url: url ?? null,
    env: [...names('env'), ...((entry.env_vars as string[] | undefined) ?? [])],
    headers: [
      ...(entry.bearer_token_env_var !== undefined ? ['Authorization'] : []),
      ...names('headers'),
      ...names('http_headers'),
      ...names('env_http_headers'),
    ],
    other: Object.keys(entry).filter((key) => !(key in KNOWN_KEYS)),
  };
}

/** A shell-like rendering of one word: quoted (JSON style) when it holds anything but plain characters. */
function word(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : JSON.stringify(text);
}

/** The lines that describe an entry: `Command  npx -y pkg`, `URL  https://...`, `Environment  A, B`. */
export function entryLines(summary: EntrySummary): string[] {
  const lines: string[] = [];
  if (summary.command !== null) lines.push(`Command      ${[summary.command, ...summary.args].map(word).join(' ')}`);
  if (summary.url !== null) lines.push(`URL          ${summary.url}`);
  if (summary.env.length > 0) lines.push(`Environment  ${summary.env.join(', ')}`);
  if (summary.headers.length > 0) lines.push(`Headers      ${summary.headers.join(', ')}`);
  if (summary.other.length > 0) lines.push(`Other keys   ${summary.other.join(', ')}`);
  return lines;
}

/** What in a skill can run code: executable files, and hooks (a `hooks` field in SKILL.md, or hooks files). */
export interface SkillRisks {
  readonly executables: string[];
  readonly hooks: string[];
}

export function skillRisks(files: readonly ItemFile[], name: string): SkillRisks {
  const hooks: string[] = [];
  const skill = files.find((file) => file.path === 'SKILL.md');
  if (skill) {
    try {
      if (parseSkillMd(skill.content, name).manifest.hooks !== undefined) hooks.push('SKILL.md (hooks field)');
    } catch {
      // A SKILL.md that does not parse declares nothing a client would read.
    }
  }
  for (const file of files) {
    if (/(^|\/)hooks(\/|\.json$)/.test(file.path)) hooks.push(file.path);
  }
  return { executables: files.filter((file) => file.executable).map((file) => file.path), hooks };
}

/**
 * The files of a download, checked against the tree SHA the item (or the requested version) has: a server that
 * sends other files than the ones it lists is refused before anything is written.
 */
export function checkTree(ref: string, files: readonly ItemFile[], expected: string, what: string): void {
  const actual = computeTreeId(files);
  if (actual !== expected) {
    throw new CliError(
      `the archive of ${ref} does not match ${what}: its files have tree ${actual}, expected ${expected}; nothing was written`,
      {
        code: 'tree_mismatch',
        hint: 'the server (or something between it and you) sent other files than the item holds; try again, and report it if it persists',
      },
    );
  }
}

/**
 * Shows what is about to be written (on stdout; on stderr with `--json` when a question follows) and asks for it
 * unless `--yes`.
 */
export async function presentAndConfirm(
  context: CommandContext,
  input: CommandInput,
  heading: string,
  lines: readonly string[],
  question: string,
): Promise<void> {
  const { term } = context;
  const print = term.json
    ? input.flag('yes') || !term.stdinIsTerminal
      ? () => {}
      : (text: string) => term.error(text)
    : (text: string) => term.out(text);
  print(heading);
  for (const line of lines) print(`  ${line}`);
  await confirm(context, input, question);
}

/**
 * Asks before writing something that runs code. `--yes` skips the question; without it, standard input must be a
 * terminal, else nothing is written. `lines` have been shown already.
 */
export async function confirm(context: CommandContext, input: CommandInput, question: string): Promise<void> {
  if (input.flag('yes')) return;
  const { term } = context;
  if (!term.stdinIsTerminal) {
    throw new CliError(`${question}: not confirmed (standard input is not a terminal); nothing was written`, {
      code: 'not_confirmed',
      hint: 'read what it configures above (or with "atlas show"), then add --yes to proceed',
    });
  }
  const answer = await term.prompt(`${question}? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('cancelled; nothing was written', { code: 'cancelled' });
}

export interface CheckedDownload {
  readonly bytes: Uint8Array;
  readonly files: ItemFile[];
  /** The commit asked for with --version; null for the current version. */
  readonly commitSha: string | null;
  readonly treeSha: string;
}

/**
 * Downloads an item's archive (of `version` when given) and checks it: the zip reader's limits and checks, then its
 * files' tree SHA against the item's (or the version's). Nothing is written here.
 */
export async function downloadChecked(
  context: CommandContext,
  api: AtlasApi,
  ref: string,
  version: string | undefined,
): Promise<CheckedDownload> {
  const resolved = version === undefined ? undefined : await resolveVersion(api, ref, version);
  const treeSha =
    resolved?.treeSha ??
    (await api.get<ItemDetails>(`/api/v1/items/${ref}`, { hints: { 404: NOT_FOUND_HINT } })).item?.treeSha;
  if (typeof treeSha !== 'string' || !/^[0-9a-f]{40}$/.test(treeSha)) {
    throw new CliError(`the server gave no valid tree SHA for ${ref}, so its download cannot be checked`, {
      code: 'bad_answer',
    });
  }
  const { bytes } = await context.term.task(`Downloading ${ref}`, () =>
    api.bytes(`/api/v1/items/${ref}/archive`, {
      query: { at: resolved?.commitSha },
      hints: { 404: NOT_FOUND_HINT },
    }),
  );
  const { files } = readZipBundle(bytes, DOWNLOAD_LIMITS);
  checkTree(ref, files, treeSha, resolved ? `version ${resolved.commitSha.slice(0, 12)}` : 'the item');
  return { bytes, files, commitSha: resolved?.commitSha ?? null, treeSha };
}

function listed(paths: readonly string[]): string {
  return paths.length > 12 ? `${paths.slice(0, 12).join(', ')} and ${paths.length - 12} more` : paths.join(', ');
}

/** Calls out a skill's executable files and hooks, and asks before installing it; a skill with neither is not asked about. */
export async function confirmSkill(
  context: CommandContext,
  input: CommandInput,
  reference: { readonly ref: string; readonly name: string },
  files: readonly ItemFile[],
): Promise<void> {
  const risks = skillRisks(files, reference.name);
  if (risks.executables.length === 0 && risks.hooks.length === 0) return;
  await presentAndConfirm(
    context,
    input,
    `${reference.ref} holds what can run commands on this machine:`,
    [
      ...(risks.executables.length > 0 ? [`Executable   ${listed(risks.executables)}`] : []),
      ...(risks.hooks.length > 0 ? [`Hooks        ${listed(risks.hooks)}`] : []),
    ],
    `Install ${reference.ref}`,
  );
}
