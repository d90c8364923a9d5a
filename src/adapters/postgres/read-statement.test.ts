import { describe, expect, it } from 'vitest';
import { isReadStatement } from './read-statement.ts';

describe('isReadStatement', () => {
  it('takes a SELECT or the EXECUTE of a prepared read as a read, and nothing else', () => {
    expect(isReadStatement('select 1')).toBe(true);
    expect(isReadStatement('\n  SELECT "id" from "catalog_items"')).toBe(true);
    expect(isReadStatement(`execute atlas_search_0a1b('x')`)).toBe(true);
    expect(isReadStatement('insert into t values (1)')).toBe(false);
    expect(isReadStatement('with posted as (insert into t values (1) returning id) select * from posted')).toBe(false);
    expect(isReadStatement('selective_update()')).toBe(false);
    expect(isReadStatement('prepare s as select 1')).toBe(false);
  });
});
