import type { Argon2Parameters } from '../adapters/auth/argon2-password-hasher.ts';
import { InMemoryContentStore } from '../adapters/memory/in-memory-content-store.ts';
import { InMemoryDatabase } from '../adapters/memory/in-memory-database.ts';
import type { AtlasDeps } from '../application/deps.ts';
import { assembleDeps } from '../composition-root.ts';
import type { AtlasConfig } from '../config.ts';
import type { Clock } from '../domain/clock.ts';

/** Fast, weak argon2 parameters for tests only. */
export const CHEAP_ARGON2: Argon2Parameters = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** Dependencies entirely in memory, for tests of use cases and routes; cheap argon2 parameters. */
export function createInMemoryDeps(
  settings: Partial<Pick<AtlasConfig, 'authz' | 'publicRead' | 'registration'>> = {},
  options: { clock?: Clock } = {},
): AtlasDeps {
  return assembleDeps(
    new InMemoryDatabase(),
    new InMemoryContentStore(),
    { authz: 'rbac', publicRead: false, registration: 'open', ...settings },
    { clock: options.clock, argon2: CHEAP_ARGON2 },
  );
}
