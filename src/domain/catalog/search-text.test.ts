import { describe, expect, it } from 'vitest';
import { buildItem } from '../testing/builders.ts';
import { porterStem } from './porter-stemmer.ts';
import {
  bodyExcerpt,
  editDistance,
  FIELD_WEIGHTS,
  MATCH_FACTOR,
  mcpToolNames,
  queryTerms,
  SEARCH_LIMITS,
  searchDocument,
  termMultiplier,
  typoEdits,
} from './search-text.ts';

const termsOf = (text: string) => [...searchDocument(buildItem('skill/x/zz', { description: text })).terms.keys()];

describe('porterStem', () => {
  it('stems as the published algorithm does', () => {
    const pairs: [string, string][] = [
      ['caresses', 'caress'],
      ['ponies', 'poni'],
      ['cats', 'cat'],
      ['agreed', 'agre'],
      ['plastered', 'plaster'],
      ['motoring', 'motor'],
      ['sing', 'sing'],
      ['hopping', 'hop'],
      ['falling', 'fall'],
      ['filing', 'file'],
      ['happy', 'happi'],
      ['relational', 'relat'],
      ['generalization', 'gener'],
      ['adjustment', 'adjust'],
      ['tables', 'tabl'],
      ['table', 'tabl'],
      ['reviewer', 'review'],
      ['kubernetes', 'kubernet'],
    ];
    expect(pairs.map(([word]) => [word, porterStem(word)])).toEqual(pairs);
  });

  it('leaves short words and words with digits or other letters alone', () => {
    expect(['js', 's3', 'ec2', 'gpt4o', 'straße'].map(porterStem)).toEqual(['js', 's3', 'ec2', 'gpt4o', 'straße']);
  });
});

describe('searchDocument', () => {
  it('weighs the whole name most, then its parts, the title, the description, a tag and the body', () => {
    const doc = searchDocument(
      buildItem('mcp/x/pdf-tools', {
        title: 'Document Reader',
        description: 'Extracts invoices.',
        tags: ['finance'],
        searchText: 'Handles receipts.',
      }),
    );
    expect(Object.fromEntries(doc.terms)).toEqual({
      pdf: FIELD_WEIGHTS.name,
      tool: FIELD_WEIGHTS.name,
      pdftool: FIELD_WEIGHTS.wholeName,
      document: FIELD_WEIGHTS.title,
      reader: FIELD_WEIGHTS.title,
      extract: FIELD_WEIGHTS.description,
      invoic: FIELD_WEIGHTS.description,
      financ: FIELD_WEIGHTS.tag,
      handl: FIELD_WEIGHTS.body,
      receipt: FIELD_WEIGHTS.body,
    });
    expect(FIELD_WEIGHTS.wholeName).toBeGreaterThan(FIELD_WEIGHTS.name);
    expect(FIELD_WEIGHTS.name).toBeGreaterThan(FIELD_WEIGHTS.title);
    expect(FIELD_WEIGHTS.title).toBeGreaterThan(FIELD_WEIGHTS.tag);
    expect(FIELD_WEIGHTS.tag).toBeGreaterThan(FIELD_WEIGHTS.body);
  });

  it('keeps a term at the weight of its heaviest field', () => {
    const doc = searchDocument(buildItem('skill/x/pdf-merge', { description: 'Merge PDF files.', tags: ['pdf'] }));
    expect(doc.terms.get('pdf')).toBe(FIELD_WEIGHTS.name);
  });

  it('finds words inside punctuation by their parts and by the parts written together', () => {
    expect(termsOf('Pages with next.js')).toEqual(expect.arrayContaining(['next', 'js', 'nextj']));
    expect(termsOf('Uses @acme/ui-kit')).toEqual(expect.arrayContaining(['acm', 'ui', 'kit', 'uikit']));
    expect(termsOf('Names in snake_case')).toEqual(expect.arrayContaining(['snake', 'case', 'snakecas']));
    expect(termsOf('Calls getForecast')).toEqual(expect.arrayContaining(['get', 'forecast', 'getforecast']));
    expect(termsOf('Calls getForecast')).not.toContain('acme');
  });

  it('drops common English words and accents', () => {
    expect(termsOf('The café is for the team').slice(1)).toEqual(['cafe', 'team']);
  });

  it('remembers each plain word it indexed, for typo corrections', () => {
    const doc = searchDocument(buildItem('skill/x/kubernetes-tools', { description: 'Deploys to clusters.' }));
    expect(doc.words.get('kubernetes')).toBe('kubernet');
    expect(doc.words.has('kubernetestools')).toBe(false);
    expect(doc.words.has('to')).toBe(false);
  });

  it("reads an MCP server's tool names from its publisher-provided metadata", () => {
    const item = buildItem('mcp/x/github', {
      manifest: {
        name: 'io.github.x/github',
        _meta: {
          'io.modelcontextprotocol.registry/publisher-provided': {
            tools: ['create_issue', { name: 'merge_pull_request' }, 42],
          },
        },
      },
    });
    expect(mcpToolNames(item)).toEqual(['create_issue', 'merge_pull_request']);
    expect(searchDocument(item).terms.get('mergepullrequest')).toBe(FIELD_WEIGHTS.body);
    expect(mcpToolNames(buildItem('skill/x/y', { manifest: { _meta: 'nope' } }))).toEqual([]);
  });
});

describe('queryTerms', () => {
  it('looks for each word, compounds written together and neighbours written together, guesses counting less', () => {
    expect(queryTerms('extract tables from a pdf-tools page')).toEqual([
      { term: 'extract', factor: MATCH_FACTOR.exact, typo: 'extract' },
      { term: 'tabl', factor: MATCH_FACTOR.exact, typo: 'tables' },
      { term: 'pdf', factor: MATCH_FACTOR.exact },
      { term: 'tool', factor: MATCH_FACTOR.exact, typo: 'tools' },
      { term: 'page', factor: MATCH_FACTOR.exact },
      { term: 'pdftool', factor: MATCH_FACTOR.exact },
      { term: 'extractt', factor: MATCH_FACTOR.neighbours },
      { term: 'tablesfrom', factor: MATCH_FACTOR.neighbours },
      { term: 'apdf', factor: MATCH_FACTOR.neighbours },
      { term: 'toolspag', factor: MATCH_FACTOR.neighbours },
    ]);
  });

  it('keeps common words when nothing else is left, and stops at the term limit', () => {
    expect(queryTerms('the').map((t) => t.term)).toEqual(['the']);
    expect(queryTerms('%_\\ !!! & |')).toEqual([]);
    const long = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    expect(queryTerms(long)).toHaveLength(SEARCH_LIMITS.queryTerms);
  });

  it('marks words of five letters or more, and only those, as possible typos', () => {
    expect(queryTerms('kuberntes pod').map((t) => t.typo)).toEqual(['kuberntes', undefined, undefined]);
  });
});

describe('termMultiplier', () => {
  it('counts rare terms more than common ones', () => {
    expect(termMultiplier(1)).toBeGreaterThan(termMultiplier(10));
    expect(termMultiplier(10)).toBeGreaterThan(termMultiplier(SEARCH_LIMITS.candidatesPerTerm));
    expect(Number.isInteger(termMultiplier(7))).toBe(true);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours as one edit each', () => {
    expect(editDistance('tabels', 'tables')).toBe(1);
    expect(editDistance('kuberntes', 'kubernetes')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ca', 'abc')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('allows one edit in a word of five to seven letters, two from eight', () => {
    expect([5, 7, 8, 12].map(typoEdits)).toEqual([1, 1, 2, 2]);
  });
});

describe('bodyExcerpt', () => {
  it('keeps the words of the start of a SKILL.md body, without code, links or Markdown', () => {
    const body =
      '# PDF tools\n\nRead the [guide](https://x.test/guide).\n\n```python\nimport secret\n```\n\n**Always** check <b>forms</b>.\n';
    expect(bodyExcerpt(body)).toBe('PDF tools Read the guide. Always check forms .');
  });

  it('cuts at a word, within the limit', () => {
    const excerpt = bodyExcerpt('word '.repeat(200));
    expect(excerpt.length).toBeLessThanOrEqual(SEARCH_LIMITS.bodyExcerpt);
    expect(excerpt.endsWith('word')).toBe(true);
  });
});
