/** Checks that a webhook delivery was signed with the shared secret. */
export interface WebhookVerifier {
  /** True when `signature` (e.g. `sha256=<hex>`) signs exactly `payload`; compared in constant time. */
  verify(payload: string, signature: string): Promise<boolean>;
}
