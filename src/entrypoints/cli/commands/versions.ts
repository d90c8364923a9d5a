import type { ItemVersionPage } from '../../http/schemas/items.ts';
import type { Command } from '../command.ts';
import { NOT_FOUND_HINT, parseReference } from '../item-reference.ts';
import { formatTime } from '../terminal.ts';
import { limitOf } from './search.ts';

export const versionsCommand: Command = {
  usage: '<ref> [options]',
  description: 'Each publish is a git commit; any of them installs with "atlas install <ref> --version <commit>".',
  options: {
    limit: { type: 'string', short: 'l', value: '<n>', description: 'How many to show, 1-100 (default 20)' },
    cursor: { type: 'string', value: '<cursor>', description: 'Continue after a previous page (its nextCursor)' },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  examples: ['atlas versions skill/platform/pdf-tools', 'atlas versions mcp/platform/github --json'],
  async run(context, input) {
    const { term } = context;
    const { ref } = parseReference(input.positionals[0]!);
    const api = await context.api();
    const page = await api.get<ItemVersionPage>(`/api/v1/items/${ref}/versions`, {
      query: { limit: limitOf(input.string('limit'), 20), cursor: input.string('cursor') },
      hints: { 404: NOT_FOUND_HINT },
    });
    if (term.json) {
      term.writeJson({ ref, items: page.items, nextCursor: page.nextCursor ?? null });
      return 0;
    }
    term.table(
      [
        { header: 'COMMIT', keep: true, color: term.style.bold },
        { header: 'VERSION' },
        { header: 'DATE' },
        { header: 'AUTHOR' },
        { header: 'MESSAGE', flex: true },
      ],
      page.items.map((version) => [
        version.commitSha.slice(0, 12),
        version.version ?? '-',
        formatTime(version.date),
        version.author.name,
        version.message.split('\n')[0] ?? '',
      ]),
    );
    if (page.nextCursor) term.note(term.style.dim(`Older versions: add --cursor ${page.nextCursor}`));
    return 0;
  },
};
