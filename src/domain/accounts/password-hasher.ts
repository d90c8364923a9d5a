/** One-way password hashing. */
export interface PasswordHasher {
  /** A self-describing hash string (algorithm, parameters, salt, digest). */
  hash(password: string): Promise<string>;
  /** Whether the password matches; false for a malformed hash. Takes the same time for a dummy hash. */
  verify(hash: string, password: string): Promise<boolean>;
  /** A hash of a random password, verified against when an account does not exist so timing does not tell. */
  readonly dummyHash: Promise<string>;
}
