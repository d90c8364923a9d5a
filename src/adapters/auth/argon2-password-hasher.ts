import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id; the package's const enum cannot be imported under verbatimModuleSyntax.
const ARGON2ID = 2;

import type { PasswordHasher } from '../../domain/accounts/password-hasher.ts';

export interface Argon2Parameters {
  /** KiB of memory per hash. */
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** OWASP's recommended argon2id configuration: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** argon2id password hashes in PHC string form (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`). */
export class Argon2PasswordHasher implements PasswordHasher {
  readonly dummyHash: Promise<string>;

  constructor(private readonly parameters: Argon2Parameters = OWASP_ARGON2ID) {
    this.dummyHash = this.hash(randomBytes(24).toString('base64'));
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.parameters });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }
}
