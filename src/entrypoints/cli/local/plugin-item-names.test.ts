import { describe, expect, it } from 'vitest';
import { decideItemNames, type NameRequest, nameFromLabel } from './plugin-item-names.ts';

const skill = (name: string, plugin?: string): NameRequest => ({ kind: 'skill', name, ...(plugin ? { plugin } : {}) });

describe('decideItemNames', () => {
  const requests = [
    skill('code-review', 'review-kit'),
    skill('summarize-diff', 'review-kit'),
    skill('code-review', 'docs-kit'),
    { kind: 'mcp', name: 'code-review', plugin: 'ops' } as NameRequest,
  ];

  it('auto: prefixes every skill whose name two plugins share, and only those', () => {
    expect(decideItemNames(requests, 'auto').map((decision) => [decision.name, decision.sharedWith])).toEqual([
      ['review-kit-code-review', ['docs-kit']],
      ['summarize-diff', []],
      ['docs-kit-code-review', ['review-kit']],
      ['code-review', []],
    ]);
  });

  it('prefix: prefixes every plugin item', () => {
    expect(decideItemNames(requests, 'prefix').map((decision) => decision.name)).toEqual([
      'review-kit-code-review',
      'review-kit-summarize-diff',
      'docs-kit-code-review',
      'ops-code-review',
    ]);
  });

  it("namespace: keeps the names and puts each plugin's items in its own namespace", () => {
    expect(decideItemNames(requests, 'namespace').map((decision) => [decision.namespace, decision.name])).toEqual([
      ['review-kit', 'code-review'],
      ['review-kit', 'summarize-diff'],
      ['docs-kit', 'code-review'],
      ['ops', 'code-review'],
    ]);
  });

  it('leaves items without a plugin alone, and marks a later item that takes the same name', () => {
    const decisions = decideItemNames([skill('lint-fixer'), skill('sql-explainer'), skill('lint-fixer')], 'auto');
    expect(decisions.map((decision) => [decision.name, decision.duplicateOf])).toEqual([
      ['lint-fixer', undefined],
      ['sql-explainer', undefined],
      ['lint-fixer', 0],
    ]);
  });

  it('reports a prefixed name that breaks the naming rule', () => {
    const [decision] = decideItemNames([skill('a'.repeat(60), 'long-plugin')], 'prefix');
    expect(decision?.problem).toMatch(/at most 64/);
  });

  it('makes a name part of any plugin name', () => {
    expect(nameFromLabel('Doc.Kit_2')).toBe('doc-kit-2');
  });
});
