import type { Db } from './connection.ts';

/**
 * A Drizzle prepared query made on first use in each database or transaction and kept as long as that object
 * lives. Drizzle builds a query's SQL anew on every call, which costs more CPU than a short statement takes to
 * run; prepared, it is built once, and a server plans it once per pooled connection (the name is the statement's).
 */
export function preparedPerDb<Q>(prepare: (db: Db) => Q): (db: Db) => Q {
  const made = new WeakMap<Db, Q>();
  return (db) => {
    let query = made.get(db);
    if (query === undefined) {
      query = prepare(db);
      made.set(db, query);
    }
    return query;
  };
}
