import type { Database } from '../domain/repositories.ts';

/**
 * A database whose next `transaction` fails when armed: what a crash between the git commit and the
 * database write looks like to the use case. Everything else is the wrapped database.
 */
export function flakyDatabase(
  db: Database,
  message = 'the database connection was lost',
): { db: Database; failNextTransaction(): void } {
  let armed = false;
  const proxy = new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') {
        return (work: Parameters<Database['transaction']>[0]) => {
          if (armed) {
            armed = false;
            return Promise.reject(new Error(message));
          }
          return target.transaction(work);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db: proxy,
    failNextTransaction: () => {
      armed = true;
    },
  };
}
