import type { Clock } from '../domain/clock.ts';
import type { Database } from '../domain/repositories.ts';

/** Everything the use cases need, built by the composition root. */
export interface AtlasDeps {
  readonly db: Database;
  readonly clock: Clock;
}
