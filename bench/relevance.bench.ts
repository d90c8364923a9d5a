/**
 * Relevance: searches a realistic catalog (bench/relevance/corpus.ts: over 200 skills, MCP servers and tools,
 * and 50-odd natural-language queries, each with the item a person typing it wants) and reports the mean
 * reciprocal rank of the wanted item and how often it is first and in the top three. Targets: top 3 at least
 * 90 %, MRR at least 0.8. Runs on the in-memory adapter and on PGlite, which must rank alike.
 */
import { InMemoryDatabase } from '../src/adapters/memory/in-memory-database.ts';
import { openPglite } from '../src/adapters/postgres/connection.ts';
import { runMigrations } from '../src/adapters/postgres/migrate.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import type { CatalogItem } from '../src/domain/catalog/catalog-item.ts';
import { parseItemRef } from '../src/domain/catalog/item-ref.ts';
import type { Repositories } from '../src/domain/repositories.ts';
import { buildItem } from '../src/domain/testing/builders.ts';
import { type BenchResult, type Figure, round } from './harness.ts';
import { CORPUS, type CorpusItem, QUERIES } from './relevance/corpus.ts';

const TOP3_TARGET = 0.9;
const MRR_TARGET = 0.8;
/** Ranks past this count as not found. */
const DEPTH = 10;

function itemOf(entry: CorpusItem): CatalogItem {
  const { kind, name } = parseItemRef(entry.ref);
  const manifest: Record<string, unknown> =
    kind === 'mcp'
      ? {
          name: `io.github.acme/${name}`,
          description: entry.description,
          version: '1.0.0',
          ...(entry.title ? { title: entry.title } : {}),
          ...(entry.tools
            ? { _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { tools: [...entry.tools] } } }
            : {}),
        }
      : { name, description: entry.description };
  return buildItem(entry.ref, {
    manifest,
    title: entry.title ?? null,
    description: entry.description,
    tags: [...entry.tags],
    usageCount: entry.installs,
    ...(entry.body ? { searchText: entry.body } : {}),
  });
}

interface Ranked {
  readonly q: string;
  readonly want: string;
  /** 1-based, or undefined when not in the first DEPTH results. */
  readonly rank: number | undefined;
  readonly top: string[];
}

async function rankAll(db: Repositories): Promise<Ranked[]> {
  for (const entry of CORPUS) await db.items.insert(itemOf(entry));
  const out: Ranked[] = [];
  for (const { q, want } of QUERIES) {
    const page = await db.items.search({ q, sort: 'relevance', limit: DEPTH, viewer: { kind: 'admin' } });
    const refs = page.items.map((i) => `${i.kind}/${i.namespace}/${i.name}`);
    const at = refs.indexOf(want);
    out.push({ q, want, rank: at < 0 ? undefined : at + 1, top: refs.slice(0, 3) });
  }
  return out;
}

function figuresOf(label: string, ranked: Ranked[]): Figure[] {
  const n = ranked.length;
  const mrr = ranked.reduce((sum, r) => sum + (r.rank ? 1 / r.rank : 0), 0) / n;
  const top1 = ranked.filter((r) => r.rank === 1).length / n;
  const top3 = ranked.filter((r) => r.rank !== undefined && r.rank <= 3).length / n;
  return [
    {
      name: `${label}: mean reciprocal rank (${n} queries)`,
      value: round(mrr, 3),
      unit: '',
      target: `>= ${MRR_TARGET}`,
      ok: mrr >= MRR_TARGET,
    },
    {
      name: `${label}: wanted item in the top 3`,
      value: round(100 * top3, 1),
      unit: '%',
      target: `>= ${100 * TOP3_TARGET} %`,
      ok: top3 >= TOP3_TARGET,
    },
    { name: `${label}: wanted item first`, value: round(100 * top1, 1), unit: '%' },
  ];
}

export async function run(): Promise<BenchResult> {
  const memory = await rankAll(new InMemoryDatabase());
  const connection = await openPglite();
  let pglite: Ranked[];
  try {
    await runMigrations(connection);
    pglite = await rankAll(new PostgresDatabase(connection));
  } finally {
    await connection.close();
  }
  const disagreements = pglite.filter((r, i) => r.top.join() !== memory[i]!.top.join());
  const misses = pglite.filter((r) => r.rank !== 1);
  return {
    bench: 'relevance',
    figures: [
      ...figuresOf('pglite', pglite),
      ...figuresOf('in-memory', memory),
      {
        name: 'queries whose top 3 differ between the adapters',
        value: disagreements.length,
        unit: '',
        target: '0',
        ok: disagreements.length === 0,
      },
    ],
    notes: [
      `${CORPUS.length} items (${['skill', 'mcp', 'tool'].map((k) => `${CORPUS.filter((c) => c.ref.startsWith(`${k}/`)).length} ${k}`).join(', ')}), ${QUERIES.length} queries; sort=relevance, read as an admin`,
      ...misses.map(
        (r) => `"${r.q}": wanted ${r.want} at ${r.rank ?? `> ${DEPTH}`}; top 3: ${r.top.join(', ') || '(nothing)'}`,
      ),
    ],
  };
}
