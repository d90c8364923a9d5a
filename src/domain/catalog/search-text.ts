import type { CatalogItem } from './catalog-item.ts';
import { porterStem } from './porter-stemmer.ts';

/**
 * How Atlas reads text for search, the same for every adapter: the words of an item (its rank inputs, written
 * with the item) and the words of a query.
 *
 * - Words are runs of letters and digits; accents are dropped. Runs joined by `.`, `_` or `-` form a compound
 *   (`next.js`, `snake_case`, `pdf-tools`) that is found by each part and by the parts written together
 *   (`nextjs`); camelCase splits the same way (`getForecast`: `get`, `forecast`, `getforecast`). `/` and `@`
 *   separate (`@acme/ui-kit`: `acme`, `ui`, `kit`, `uikit`).
 * - Words are lowercased and Porter-stemmed (`tables`, `table`: `tabl`); common English words are dropped.
 * - Each term of an item weighs what its heaviest field weighs: the whole name, a part of the name, the title,
 *   the description, a tag, then the body (the start of SKILL.md's body, an MCP server's tool names).
 */

export const FIELD_WEIGHTS = {
  /** The name written whole (`pdftools` for `pdf-tools`, `pdf` for `pdf`). */
  wholeName: 30,
  name: 20,
  title: 12,
  description: 9,
  tag: 8,
  body: 3,
} as const;

export const SEARCH_LIMITS = {
  /** The most postings read for one term: a term's best (heaviest, then most installed) items. */
  candidatesPerTerm: 500,
  /** The most matches a query considers: its results, filters and facet counts are drawn from these. */
  candidates: 500,
  /** Words, joined pairs and corrections of a query beyond this many are ignored. */
  queryTerms: 16,
  /** A query word this long or longer that matches nothing is also looked up as a likely typo. */
  typoMinLength: 5,
  /**
   * A known word stands in for a typo when it shares trigrams enough (pg_trgm similarity `typoSimilarity`) or
   * its first `typoPrefix` letters, its length is within `typoLengthDelta`, and it is among the
   * `typoCandidates` most similar such words and within `typoEdits` edits (see `typoEdits`); the
   * `typoCorrections` closest are kept.
   */
  typoSimilarity: 0.3,
  typoPrefix: 3,
  typoLengthDelta: 2,
  typoCandidates: 20,
  typoCorrections: 2,
  /** Characters of SKILL.md's body that search reads. */
  bodyExcerpt: 400,
  /** Longer terms are not indexed (no word is that long; a hash or a blob is). */
  termLength: 40,
} as const;

/**
 * How much a matched term counts: a word as typed, twice what a guess counts (two neighbouring words written
 * together, or a known word a typo may have meant).
 */
export const MATCH_FACTOR = { exact: 2, neighbours: 1, typo: 1 } as const;

// biome-ignore format: a word list reads better packed
const STOP_WORDS = new Set([
  'a', 'about', 'above', 'after', 'again', 'against', 'all', 'am', 'an', 'and', 'any', 'are', 'as', 'at', 'be',
  'because', 'been', 'before', 'being', 'below', 'between', 'both', 'but', 'by', 'can', 'could', 'did', 'do', 'does',
  'doing', 'down', 'during', 'each', 'few', 'for', 'from', 'further', 'had', 'has', 'have', 'having', 'he', 'her',
  'here', 'hers', 'herself', 'him', 'himself', 'his', 'how', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'itself',
  'just', 'me', 'more', 'most', 'my', 'myself', 'need', 'no', 'nor', 'not', 'now', 'of', 'off', 'on', 'once', 'only',
  'or', 'other', 'our', 'ours', 'ourselves', 'out', 'over', 'own', 'please', 'same', 'she', 'should', 'so', 'some',
  'something', 'such', 'than', 'that', 'the', 'their', 'theirs', 'them', 'themselves', 'then', 'there', 'these',
  'they', 'this', 'those', 'through', 'to', 'too', 'under', 'until', 'up', 'very', 'want', 'was', 'we', 'were',
  'what', 'when', 'where', 'which', 'while', 'who', 'whom', 'why', 'will', 'with', 'would', 'you', 'your', 'yours',
  'yourself', 'yourselves',
]);

/** A run of letters and digits, and compounds of runs joined by `.`, `_` or `-`. */
const COMPOUND = /[\p{L}\p{N}]+(?:[._-]+[\p{L}\p{N}]+)*/gu;
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/** One compound of a text: its lowercase parts, in order. */
function compounds(text: string): string[][] {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/['’]/g, '');
  const out: string[][] = [];
  for (const match of plain.matchAll(COMPOUND)) {
    const parts = match[0]
      .split(/[._-]+/)
      .flatMap((chunk) => chunk.split(CAMEL_BOUNDARY))
      .map((part) => part.toLowerCase())
      .filter((part) => part !== '');
    if (parts.length > 0) out.push(parts);
  }
  return out;
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** The term a lowercase word is indexed and looked up by. */
export function termOf(word: string): string {
  return porterStem(word);
}

const indexable = (term: string) => term.length > 0 && term.length <= SEARCH_LIMITS.termLength;
/** Words typos are corrected to: plain ASCII, long enough that a one-letter slip still leaves trigrams. */
const correctable = (word: string) =>
  word.length >= 4 && word.length <= SEARCH_LIMITS.termLength && /^[a-z0-9]+$/.test(word);

/** The rank inputs of an item: each term with the weight of its heaviest field, and the words typos may mean. */
export interface SearchDocument {
  readonly terms: Map<string, number>;
  /** Word as written (lowercase) -> its term: what a misspelt query word is compared with. */
  readonly words: Map<string, string>;
}

type Searchable = Pick<CatalogItem, 'name' | 'title' | 'description' | 'tags' | 'manifest' | 'kind' | 'searchText'>;

export function searchDocument(item: Searchable): SearchDocument {
  const terms = new Map<string, number>();
  const words = new Map<string, string>();
  // Words written together (`pdftools`) are found as typed, not corrected: a typo is a slip in a word.
  const add = (word: string, weight: number, options: { keepStopWord?: boolean; joined?: boolean } = {}) => {
    if (!options.keepStopWord && isStopWord(word)) return;
    const term = termOf(word);
    if (!indexable(term)) return;
    if ((terms.get(term) ?? 0) < weight) terms.set(term, weight);
    if (!options.joined && correctable(word)) words.set(word, term);
  };
  const addText = (text: string, weight: number) => {
    for (const parts of compounds(text)) {
      for (const part of parts) add(part, weight);
      if (parts.length > 1) add(parts.join(''), weight, { keepStopWord: true, joined: true });
    }
  };
  // The name: each part, and the whole name written together, which weighs most.
  const nameParts = item.name.split('-').filter((p) => p !== '');
  for (const part of nameParts) add(part, FIELD_WEIGHTS.name, { keepStopWord: true });
  add(nameParts.join(''), FIELD_WEIGHTS.wholeName, { keepStopWord: true, joined: nameParts.length > 1 });
  if (item.title) addText(item.title, FIELD_WEIGHTS.title);
  for (const tag of item.tags) addText(tag, FIELD_WEIGHTS.tag);
  addText(item.description, FIELD_WEIGHTS.description);
  if (item.searchText) addText(item.searchText, FIELD_WEIGHTS.body);
  for (const tool of mcpToolNames(item)) addText(tool, FIELD_WEIGHTS.body);
  return { terms, words };
}

/** One term a query looks for. */
export interface QueryTerm {
  readonly term: string;
  /** The word as typed (lowercase), when the term may be a typo worth correcting. */
  readonly typo?: string;
  readonly factor: number;
}

/**
 * The terms of a query: its words (common English words dropped, unless nothing else is left), every
 * compound's parts written together, and each pair of neighbouring words written together (`pdf tools` also
 * looks for `pdftools`, `on call` for `oncall`). Words of `typoMinLength` letters or more are marked for correction if they match nothing.
 * At most `queryTerms` terms, words first.
 */
export function queryTerms(q: string): QueryTerm[] {
  const found = compounds(q);
  const allWords = found.flat();
  const keepStopWords = allWords.every(isStopWord);
  const out = new Map<string, QueryTerm>();
  const put = (term: QueryTerm) => {
    if (!indexable(term.term) || out.has(term.term)) return;
    out.set(term.term, term);
  };
  for (const word of allWords) {
    if (!keepStopWords && isStopWord(word)) continue;
    const typo = word.length >= SEARCH_LIMITS.typoMinLength && correctable(word) ? word : undefined;
    put({ term: termOf(word), factor: MATCH_FACTOR.exact, ...(typo ? { typo } : {}) });
  }
  for (const parts of found) if (parts.length > 1) put({ term: termOf(parts.join('')), factor: MATCH_FACTOR.exact });
  // Neighbours written together, a common word included (`on call` is `oncall`), but not two common words.
  for (let i = 0; i + 1 < allWords.length; i++) {
    const [a, b] = [allWords[i]!, allWords[i + 1]!];
    if (!isStopWord(a) || !isStopWord(b)) put({ term: termOf(a + b), factor: MATCH_FACTOR.neighbours });
  }
  return [...out.values()].slice(0, SEARCH_LIMITS.queryTerms);
}

/** How many edits a typo of this many letters may be away from the word it means: 1, or 2 from 8 letters. */
export function typoEdits(length: number): number {
  return length >= 8 ? 2 : 1;
}

/**
 * The optimal string alignment distance: insertions, deletions, substitutions and transpositions of neighbours,
 * each one edit (`tabels` is one edit from `tables`). catalog_search_edit_distance in SQL is the same function.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * How much a term counts, from how many of the items the reader may see carry it (`df`, at most
 * `candidatesPerTerm`, as counted): rarer terms count more, as inverse document frequency.
 */
export function termMultiplier(df: number): number {
  return 100 + Math.round(100 * Math.log(1 + SEARCH_LIMITS.candidatesPerTerm / Math.max(1, df)));
}

/**
 * The start of a SKILL.md body as plain words: code blocks, HTML, link targets and Markdown markers removed,
 * at most `bodyExcerpt` characters, cut at a word.
 */
export function bodyExcerpt(markdown: string): string {
  const text = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?(^\1[^\n]*$|(?![\s\S]))/gm, ' ')
    .replace(/<[^>\n]*>/g, ' ')
    .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[#>*`|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= SEARCH_LIMITS.bodyExcerpt) return text;
  const cut = text.slice(0, SEARCH_LIMITS.bodyExcerpt + 1);
  const space = cut.lastIndexOf(' ');
  return (space > 0 ? cut.slice(0, space) : cut.slice(0, SEARCH_LIMITS.bodyExcerpt)).trim();
}

const PUBLISHER_PROVIDED = 'io.modelcontextprotocol.registry/publisher-provided';

/**
 * The tool names an MCP server's server.json lists, where it does: `tools` in its publisher-provided `_meta`,
 * as names or as objects with a `name`. At most 100.
 */
export function mcpToolNames(item: Pick<CatalogItem, 'kind' | 'manifest'>): string[] {
  if (item.kind !== 'mcp') return [];
  const meta = item.manifest._meta;
  if (typeof meta !== 'object' || meta === null) return [];
  const provided = (meta as Record<string, unknown>)[PUBLISHER_PROVIDED];
  if (typeof provided !== 'object' || provided === null) return [];
  const tools = (provided as Record<string, unknown>).tools;
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const tool of tools.slice(0, 100)) {
    const name = typeof tool === 'string' ? tool : (tool as { name?: unknown } | null)?.name;
    if (typeof name === 'string') names.push(name.slice(0, 100));
  }
  return names;
}
