import { VISIBILITIES } from '../../../domain/catalog/catalog-item.ts';
import type { ItemBundle } from '../../../domain/catalog/prepare-bundle.ts';
import { TooLargeError, ValidationError } from '../../../domain/errors.ts';
import { CliError } from '../cli-error.ts';
import { type Command, type CommandContext, type CommandInput, orList } from '../command.ts';
import { readLocalItem, validateLocalItem } from '../local/local-item.ts';
import { findItem, namespaceFor, publishBundle, refOfBundle } from '../publish-flow.ts';
import { formatBytes } from '../terminal.ts';

export const publishCommand: Command = {
  usage: '<folder|zip> [options]',
  description:
    'Validates the item locally first, as the server will, and lists every problem with its file and line\n' +
    '(SKILL.md:LINE for YAML, a JSON pointer such as server.json#/packages/0/version otherwise). The kind comes\n' +
    'from the manifest at the top of the folder: SKILL.md (skill), server.json (MCP server) or tool.json (tool).\n' +
    'A skill takes its name from SKILL.md, which must equal its folder name; an MCP server takes --name, else its\n' +
    'folder or file name. An item that exists already needs --update to get a new version.',
  options: {
    namespace: { type: 'string', short: 'n', value: '<name>', description: 'Your username (default) or a team slug' },
    name: { type: 'string', value: '<name>', description: 'MCP servers: the catalog name (default: the folder name)' },
    tag: { type: 'string', short: 't', multiple: true, value: '<tag>', description: 'A tag (repeat for more)' },
    visibility: {
      type: 'string',
      value: '<who>',
      choices: VISIBILITIES,
      description: `Who may read it: ${orList(VISIBILITIES)}`,
    },
    message: { type: 'string', short: 'm', value: '<text>', description: 'A line for the commit message' },
    update: { type: 'boolean', short: 'u', description: 'Publish a new version when the item exists' },
    'dry-run': { type: 'boolean', description: 'Validate and show what would be published; publish nothing' },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  examples: [
    'atlas publish ./pdf-tools',
    'atlas publish ./pdf-tools --dry-run',
    'atlas publish ./pdf-tools.zip --namespace platform --tag pdf --update',
    'atlas publish ./servers/github --name github',
  ],
  run: publish,
};

/** Reads and validates a local item; an invalid one is a CliError listing every problem. */
export async function loadValidItem(context: CommandContext, path: string, name?: string): Promise<ItemBundle> {
  try {
    const local = await readLocalItem(path, context.cwd);
    return validateLocalItem(local, name);
  } catch (error) {
    if (error instanceof ValidationError) {
      const count = error.problems.length;
      throw new CliError(`${path} is not a valid item (${count} problem${count === 1 ? '' : 's'}):`, {
        code: 'invalid',
        problems: error.problems,
      });
    }
    if (error instanceof TooLargeError)
      throw new CliError(`${path} is too large: ${error.message}`, { code: 'too_large' });
    throw error;
  }
}

const filesOf = (bundle: ItemBundle) =>
  bundle.files.map((file) => ({ path: file.path, size: file.content.byteLength, executable: file.executable }));

async function publish(context: CommandContext, input: CommandInput): Promise<number> {
  const { term } = context;
  const path = input.positionals[0]!;
  const bundle = await loadValidItem(context, path, input.string('name'));
  const { style } = term;
  for (const warning of bundle.warnings) term.warn(`${warning.path}: ${warning.message}`);
  if (input.flag('dry-run')) return dryRun(context, input, bundle);

  const namespace = await namespaceFor(context, input.string('namespace'));
  const ref = refOfBundle(namespace, bundle);
  const api = await context.api();
  const retry = ['atlas publish', path, '--update', ...(input.string('namespace') ? ['--namespace', namespace] : [])];
  const result = await term.task(`Publishing ${ref}`, () =>
    publishBundle(api, {
      namespace,
      bundle,
      tags: input.list('tag'),
      visibility: input.choice('visibility', VISIBILITIES),
      message: input.string('message'),
      update: input.flag('update'),
      retryWithUpdate: retry.join(' '),
    }),
  );
  if (term.json) {
    term.writeJson({
      dryRun: false,
      action: result.action,
      ref: result.ref,
      kind: bundle.kind,
      namespace,
      name: bundle.name,
      treeSha: result.treeSha,
      commitSha: result.commitSha,
      files: filesOf(bundle),
      warnings: result.warnings,
      item: result.item,
    });
    return 0;
  }
  const where = style.dim(`(tree ${result.treeSha.slice(0, 7)}, commit ${result.commitSha.slice(0, 7)})`);
  if (result.action === 'unchanged') {
    term.out(`${style.bold(result.ref)} is already published with this content ${where}; nothing changed.`);
  } else {
    const verb = result.action === 'created' ? 'Published' : 'Published a new version of';
    term.out(`${style.green('✓')} ${verb} ${style.bold(result.ref)} ${where}`);
  }
  if (bundle.kind !== 'tool') term.out(style.dim(`Install it with: atlas install ${result.ref}`));
  return 0;
}

async function dryRun(context: CommandContext, input: CommandInput, bundle: ItemBundle): Promise<number> {
  const { term } = context;
  const { style } = term;
  const namespace = await namespaceFor(context, input.string('namespace')).catch(() => undefined);
  const ref = namespace ? refOfBundle(namespace, bundle) : null;
  let action: 'create' | 'update' | 'unchanged' | 'exists' | 'unknown' = 'unknown';
  let why: string | undefined;
  if (ref) {
    try {
      const existing = await findItem(await context.api(), ref);
      action = !existing
        ? 'create'
        : existing.details.item.treeSha === bundle.treeSha
          ? 'unchanged'
          : input.flag('update')
            ? 'update'
            : 'exists';
    } catch (error) {
      why = error instanceof CliError ? error.message : String(error);
    }
  } else {
    why = 'not logged in and no --namespace';
  }
  const files = filesOf(bundle);
  if (term.json) {
    term.writeJson({
      dryRun: true,
      action,
      ref,
      kind: bundle.kind,
      namespace: namespace ?? null,
      name: bundle.name,
      treeSha: bundle.treeSha,
      files,
      warnings: bundle.warnings,
    });
    return 0;
  }
  const size = files.reduce((sum, file) => sum + file.size, 0);
  term.out(
    `${style.green('✓')} ${input.positionals[0]} is a valid ${bundle.kind}: ${style.bold(ref ?? `${bundle.kind}/<namespace>/${bundle.name}`)}`,
  );
  const outcome = {
    create: 'would be published as a new item',
    update: 'exists; would get a new version',
    unchanged: 'is already published with this content',
    exists: 'exists with other content; publishing would need --update',
    unknown: `could not check the server (${why})`,
  }[action];
  term.out(`  ${outcome} ${style.dim('(dry run: nothing was published)')}`);
  term.out('');
  term.out(`Files (${files.length}, ${formatBytes(size)}), tree ${bundle.treeSha.slice(0, 7)}:`);
  const width = Math.min(60, Math.max(...files.map((file) => file.path.length)));
  for (const file of files) {
    term.out(
      `  ${file.path.padEnd(width)}  ${formatBytes(file.size).padStart(9)}${file.executable ? '  executable' : ''}`,
    );
  }
  return 0;
}
