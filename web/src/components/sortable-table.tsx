import { useMemo, useState } from 'react';

export type Direction = 'ascending' | 'descending';

/** Rows sorted by one column at a time, in the browser: for short lists already on the page (one API page). */
export function useSorted<T, K extends string>(
  rows: readonly T[],
  keys: Record<K, (row: T) => string | number>,
  initial: NoInfer<K>,
) {
  const [column, setColumn] = useState<K>(initial);
  const [direction, setDirection] = useState<Direction>('ascending');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key functions are fixed per table.
  const sorted = useMemo(() => {
    const key = keys[column];
    const order = direction === 'ascending' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * order;
    });
  }, [rows, column, direction]);
  const sortBy = (next: K) => {
    if (next === column) setDirection(direction === 'ascending' ? 'descending' : 'ascending');
    else {
      setColumn(next);
      setDirection('ascending');
    }
  };
  return { sorted, column, direction, sortBy };
}

/** A column header that sorts its table: a button inside the header, and `aria-sort` on the sorted column. */
export function SortableHeader<K extends string>({
  label,
  column,
  state,
}: {
  label: string;
  column: K;
  state: { column: K; direction: Direction; sortBy: (column: K) => void };
}) {
  const active = state.column === column;
  return (
    <th scope="col" aria-sort={active ? state.direction : undefined}>
      <button type="button" className="sort-button" onClick={() => state.sortBy(column)}>
        {label}
        <span aria-hidden="true">{active ? (state.direction === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}</span>
      </button>
    </th>
  );
}
