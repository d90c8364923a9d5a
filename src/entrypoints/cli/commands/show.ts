import { parseServerJson } from '../../../domain/manifests/server-json.ts';
import { renderMcpInstall } from '../../../lib/install/render-mcp-install.ts';
import type { ItemDetails, ItemVersionPage } from '../../http/schemas/items.ts';
import type { Command } from '../command.ts';
import { entryLines, reviewMcpEntry } from '../install-review.ts';
import { NOT_FOUND_HINT, parseReference } from '../item-reference.ts';
import { formatTime } from '../terminal.ts';

export const showCommand: Command = {
  usage: '<ref> [options]',
  options: {},
  positionals: { min: 1, max: 1 },
  json: true,
  examples: ['atlas show skill/platform/pdf-tools', 'atlas show mcp/platform/github --json'],
  async run(context, input) {
    const { term } = context;
    const { ref, kind } = parseReference(input.positionals[0]!);
    const api = await context.api();
    const [details, versions] = await term.task(`Reading ${ref}`, () =>
      Promise.all([
        api.get<ItemDetails>(`/api/v1/items/${ref}`, { hints: { 404: NOT_FOUND_HINT } }),
        api.get<ItemVersionPage>(`/api/v1/items/${ref}/versions`, {
          query: { limit: 5 },
          hints: { 404: NOT_FOUND_HINT },
        }),
      ]),
    );
    if (term.json) {
      term.writeJson({ ...details, versions: versions.items });
      return 0;
    }
    const { item } = details;
    const { style } = term;
    term.out(
      `${style.bold(item.ref)}${item.version ? `  ${item.version}` : ''}${item.title ? `  ${style.dim(item.title)}` : ''}`,
    );
    term.out(item.description);
    term.out('');
    const rows: [string, string][] = [
      ['Owner', details.owner ?? '-'],
      ['Team', details.team ?? '-'],
      ['Tags', item.tags.length > 0 ? item.tags.join(', ') : '-'],
      ['Visibility', item.visibility],
      ['Status', item.statusMessage ? `${item.status}: ${item.statusMessage}` : item.status],
      ['Installs', String(item.usageCount)],
      ['Published', formatTime(item.createdAt)],
      ['Updated', formatTime(item.updatedAt)],
      ['Tree', item.treeSha],
      ['Commit', item.commitSha],
    ];
    for (const [label, value] of rows) term.out(`${style.dim(label.padEnd(11))}${value}`);
    term.out('');
    term.out(style.bold(`Files (${details.files.length})`));
    for (const file of details.files) term.out(`  ${file.path}${file.executable ? style.dim('  executable') : ''}`);
    term.out('');
    term.out(style.bold(`Versions${versions.nextCursor ? ' (latest 5; all with "atlas versions")' : ''}`));
    for (const version of versions.items) {
      term.out(
        `  ${version.commitSha.slice(0, 12)}  ${(version.version ?? '-').padEnd(10)}  ${formatTime(version.date)}  ${version.message.split('\n')[0]}`,
      );
    }
    const manifest = details.manifest as Record<string, unknown> | null;
    if (kind === 'skill' && typeof manifest === 'object' && manifest !== null && manifest.hooks !== undefined) {
      term.out(style.yellow('Declares hooks in SKILL.md: commands its client runs on events'));
    }
    if (kind === 'mcp') {
      term.out('');
      term.out(style.bold('Runs (as atlas install writes it for Claude Code)'));
      for (const line of mcpLines(item.ref, item.name, details.manifest)) term.out(`  ${line}`);
    }
    if (kind !== 'tool') {
      term.out('');
      term.out(style.dim(`Install with: atlas install ${item.ref}${kind === 'mcp' ? ' --client claude-code' : ''}`));
    }
    return 0;
  },
};

/** What installing the server configures (command, arguments, URL, variable names), rendered here from its server.json. */
function mcpLines(ref: string, name: string, manifest: unknown): string[] {
  try {
    const parsed = parseServerJson(new TextEncoder().encode(JSON.stringify(manifest)));
    const rendered = renderMcpInstall(parsed.manifest, 'claude-code', { serverKey: name });
    return entryLines(reviewMcpEntry(ref, rendered.serverKey, rendered.entry));
  } catch (error) {
    return [`cannot be rendered: ${error instanceof Error ? error.message : String(error)}`];
  }
}
