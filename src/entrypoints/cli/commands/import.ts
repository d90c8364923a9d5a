import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Problem, TooLargeError, ValidationError } from '../../../domain/errors.ts';
import { ApiError, type AtlasApi } from '../atlas-api.ts';
import { CliError } from '../cli-error.ts';
import type { Command, CommandContext, CommandInput } from '../command.ts';
import { type Candidate, type Discovery, discoverItems } from '../local/discover-items.ts';
import { readItemFolder, readLocalItem, validateLocalItem } from '../local/local-item.ts';
import { namespaceFor, publishBundle, refOfBundle } from '../publish-flow.ts';
import { problemLines } from '../terminal.ts';

type Status = 'published' | 'updated' | 'unchanged' | 'valid' | 'invalid' | 'conflict' | 'failed';

interface ImportedItem {
  source: string;
  plugin: string | null;
  ref: string | null;
  kind: string | null;
  status: Status;
  treeSha: string | null;
  commitSha: string | null;
  warnings: Problem[];
  problems: Problem[];
  message: string | null;
}

const STATUSES: Status[] = ['published', 'updated', 'unchanged', 'valid', 'invalid', 'conflict', 'failed'];

export const importCommand: Command = {
  usage: '<path> [options]',
  description:
    'Finds the items in a folder or git checkout and publishes each one:\n' +
    '  - a Claude Code plugin marketplace (.claude-plugin/marketplace.json): the skills of each plugin whose source\n' +
    '    is a folder in it (skills/<name>/SKILL.md, and the skill paths a plugin lists);\n' +
    '  - the usual skills layout (skills/<name>/SKILL.md), or any folder whose subfolders hold a SKILL.md;\n' +
    '  - folders of MCP servers (*/server.json) and *.json files that are server.json documents; tools (*/tool.json).\n' +
    'Invalid items are reported and skipped; the rest go on. Items already published with the same content are\n' +
    'left alone; ones with other content need --update. Exits 1 when any item was not imported.',
  options: {
    namespace: { type: 'string', short: 'n', value: '<name>', description: 'Your username (default) or a team slug' },
    update: {
      type: 'boolean',
      short: 'u',
      description: 'Publish a new version of items that exist with other content',
    },
    'dry-run': { type: 'boolean', description: 'Find and validate the items; publish nothing' },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  examples: [
    'atlas import ./my-skills-repo',
    'atlas import ./marketplace --namespace platform --dry-run',
    'atlas import ./servers --update --json',
  ],
  run: importItems,
};

async function importItems(context: CommandContext, input: CommandInput): Promise<number> {
  const { term } = context;
  const given = input.positionals[0]!;
  const root = resolve(context.cwd, given);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new CliError(`no such file or folder: ${given}`, { code: 'not_found' });
  const discovery: Discovery = info.isDirectory()
    ? await term.task(`Looking for items in ${given}`, () => discoverItems(root))
    : { layout: 'item', candidates: [{ source: given, path: root, type: 'file' }], skipped: [] };
  if (discovery.candidates.length === 0) {
    throw new CliError(`found no items in ${given}`, {
      code: 'not_found',
      hint: 'Atlas imports skills/<name>/SKILL.md folders, .claude-plugin/marketplace.json, */server.json and server.json documents',
    });
  }
  const dryRun = input.flag('dry-run');
  const namespace = dryRun
    ? await namespaceFor(context, input.string('namespace')).catch(() => undefined)
    : await namespaceFor(context, input.string('namespace'));
  const api = dryRun ? undefined : await context.api();
  const total = discovery.candidates.length;
  const progress = term.progress(total, dryRun ? 'Checking' : 'Importing');
  const results: ImportedItem[] = [];
  const showAll = !term.stdoutIsTerminal;
  for (const [index, candidate] of discovery.candidates.entries()) {
    progress.update(index, candidate.source);
    const result = await importOne(candidate, context, { namespace, dryRun, update: input.flag('update'), api });
    results.push(result);
    if (showAll || !['published', 'updated', 'unchanged', 'valid'].includes(result.status)) {
      progress.line(itemLine(context, result));
    }
  }
  progress.update(total, '');
  progress.finish();
  const summary = Object.fromEntries([
    ['total', total],
    ...STATUSES.map((status) => [status, results.filter((item) => item.status === status).length]),
  ]) as Record<Status | 'total', number>;
  const failed = summary.invalid + summary.conflict + summary.failed;
  if (term.json) {
    term.writeJson({
      path: root,
      layout: discovery.layout,
      dryRun,
      namespace: namespace ?? null,
      items: results,
      skipped: discovery.skipped,
      summary,
    });
    return failed > 0 ? 1 : 0;
  }
  printSummary(context, given, namespace, dryRun, results, discovery, summary);
  return failed > 0 ? 1 : 0;
}

async function importOne(
  candidate: Candidate,
  context: CommandContext,
  options: {
    namespace: string | undefined;
    dryRun: boolean;
    update: boolean;
    api: AtlasApi | undefined;
  },
): Promise<ImportedItem> {
  const base: ImportedItem = {
    source: candidate.source,
    plugin: candidate.plugin ?? null,
    ref: null,
    kind: null,
    status: 'invalid',
    treeSha: null,
    commitSha: null,
    warnings: [],
    problems: [],
    message: null,
  };
  let bundle: ReturnType<typeof validateLocalItem>;
  try {
    const local =
      candidate.type === 'folder'
        ? await readItemFolder(candidate.source, candidate.path)
        : await readLocalItem(candidate.path, context.cwd);
    bundle = validateLocalItem(local);
  } catch (error) {
    if (error instanceof ValidationError) return { ...base, problems: [...error.problems] };
    if (error instanceof TooLargeError || error instanceof CliError) return { ...base, message: error.message };
    throw error;
  }
  const known = {
    ...base,
    kind: bundle.kind,
    ref: options.namespace ? refOfBundle(options.namespace, bundle) : null,
    treeSha: bundle.treeSha,
    warnings: [...bundle.warnings],
  };
  if (options.dryRun || !options.api || !options.namespace) return { ...known, status: 'valid' };
  try {
    const result = await publishBundle(options.api, {
      namespace: options.namespace,
      bundle,
      update: options.update,
      retryWithUpdate: 'atlas import <path> --update',
    });
    const status = result.action === 'created' ? 'published' : result.action;
    return { ...known, status, ref: result.ref, commitSha: result.commitSha, warnings: result.warnings };
  } catch (error) {
    // Without a server, a login or the right to publish here, every other item would fail the same way.
    if (error instanceof CliError && error.code === 'unreachable') throw error;
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw error;
    if (error instanceof CliError && error.code === 'exists') {
      return { ...known, status: 'conflict', message: `${error.message}; add --update to publish it as a new version` };
    }
    if (error instanceof CliError)
      return { ...known, status: 'failed', message: error.message, problems: [...error.problems] };
    throw error;
  }
}

function itemLine(context: CommandContext, item: ImportedItem): string {
  const { style } = context.term;
  const color = {
    published: style.green,
    updated: style.green,
    unchanged: style.dim,
    valid: style.green,
    invalid: style.red,
    conflict: style.yellow,
    failed: style.red,
  }[item.status];
  const what = item.ref ?? item.source;
  const why = item.problems[0]
    ? `: ${item.problems[0].path} ${item.problems[0].message}`
    : item.message
      ? `: ${item.message}`
      : '';
  return `${color(item.status.padEnd(9))} ${what}${item.ref && item.source !== '.' ? style.dim(` (${item.source})`) : ''}${why}`;
}

function printSummary(
  context: CommandContext,
  given: string,
  namespace: string | undefined,
  dryRun: boolean,
  results: ImportedItem[],
  discovery: Discovery,
  summary: Record<Status | 'total', number>,
) {
  const { term } = context;
  const { style } = term;
  const counts = STATUSES.filter((status) => summary[status] > 0).map((status) => `${summary[status]} ${status}`);
  term.out('');
  term.out(
    `${style.bold(dryRun ? 'Checked' : 'Imported')} ${summary.total} item${summary.total === 1 ? '' : 's'} from ${given}${namespace ? ` into ${namespace}` : ''}: ${counts.join(', ')}${dryRun ? style.dim(' (dry run: nothing was published)') : ''}`,
  );
  const invalid = results.filter((item) => item.status === 'invalid');
  if (invalid.length > 0) {
    term.out(style.red('Invalid:'));
    for (const item of invalid) {
      term.out(`  ${item.source}`);
      for (const line of problemLines(item.problems, '    ')) term.out(line);
      if (item.message) term.out(`    ${item.message}`);
    }
  }
  const refused = results.filter((item) => item.status === 'conflict' || item.status === 'failed');
  if (refused.length > 0) {
    term.out(style.red('Not imported:'));
    for (const item of refused) {
      term.out(`  ${item.ref ?? item.source}: ${item.message ?? ''}`);
      for (const line of problemLines(item.problems, '    ')) term.out(line);
    }
  }
  if (discovery.skipped.length > 0) {
    term.out(style.yellow('Skipped:'));
    for (const skip of discovery.skipped) term.out(`  ${skip.source}: ${skip.reason}`);
  }
}
