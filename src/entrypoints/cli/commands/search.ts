import { ITEM_KINDS } from '../../../domain/catalog/item-kind.ts';
import { ITEM_SORTS } from '../../../domain/catalog/item-repository.ts';
import type { ItemPage } from '../../http/schemas/items.ts';
import { UsageError } from '../cli-error.ts';
import { type Command, orList } from '../command.ts';

/** `--limit`: a whole number from 1 to 100 (the API's page size). */
export function limitOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new UsageError(`--limit must be a whole number from 1 to 100 (got "${text}")`);
  }
  return value;
}

export const searchCommand: Command = {
  usage: '[words...] [options]',
  description: 'Without words, lists the catalog. Descriptions are cut to fit the terminal; --json has them whole.',
  options: {
    kind: {
      type: 'string',
      short: 'k',
      value: '<kind>',
      choices: ITEM_KINDS,
      description: `Only one kind: ${orList(ITEM_KINDS)}`,
    },
    team: { type: 'string', value: '<slug>', description: "Only a team's items" },
    namespace: { type: 'string', short: 'n', value: '<name>', description: 'Only the items in a namespace' },
    owner: { type: 'string', value: '<username>', description: 'Only the items someone published' },
    tag: { type: 'string', short: 't', value: '<tag>', description: 'Only items with this tag' },
    sort: {
      type: 'string',
      value: '<order>',
      choices: ITEM_SORTS,
      description: `${orList(ITEM_SORTS)}; relevance is the default with words, name without`,
    },
    limit: { type: 'string', short: 'l', value: '<n>', description: 'How many to show, 1-100 (default 20)' },
    cursor: { type: 'string', value: '<cursor>', description: 'Continue after a previous page (its nextCursor)' },
  },
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  json: true,
  examples: [
    'atlas search pdf',
    'atlas search --kind mcp --sort installs',
    'atlas search review --team platform --json',
  ],
  async run(context, input) {
    const { term } = context;
    const limit = limitOf(input.string('limit'), 20);
    const q = input.positionals.join(' ').trim();
    const api = await context.api();
    const page = await term.task('Searching', () =>
      api.get<ItemPage>('/api/v1/items', {
        query: {
          q: q || undefined,
          kind: input.string('kind'),
          team: input.string('team'),
          namespace: input.string('namespace'),
          owner: input.string('owner'),
          tag: input.string('tag'),
          // Browsing without words reads best in name order; relevance needs words to rank by.
          sort: input.string('sort') ?? (q ? undefined : 'name'),
          limit,
          cursor: input.string('cursor'),
        },
      }),
    );
    if (term.json) {
      term.writeJson({ items: page.items, nextCursor: page.nextCursor ?? null });
      return 0;
    }
    if (page.items.length === 0) {
      term.out(q ? `Nothing matches "${q}".` : 'The catalog has no items that match.');
      return 0;
    }
    const { style } = term;
    term.table(
      [
        { header: 'REF', keep: true, color: style.bold },
        { header: 'VERSION', min: 7 },
        { header: 'INSTALLS', align: 'right' },
        { header: 'DESCRIPTION', flex: true, min: 12 },
      ],
      page.items.map((item) => [
        item.ref,
        item.version ?? '-',
        String(item.usageCount),
        `${item.status === 'active' ? '' : `[${item.status}] `}${item.title && !item.description.startsWith(item.title) ? `${item.title}: ` : ''}${item.description}`,
      ]),
    );
    if (page.nextCursor) {
      term.note(
        style.dim(`More results: add --cursor ${page.nextCursor}${limit < 100 ? ' (or a larger --limit)' : ''}`),
      );
    }
    return 0;
  },
};
