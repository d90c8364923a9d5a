import { verify } from '@octokit/webhooks-methods';
import type { WebhookVerifier } from '../../domain/sync/webhook-verifier.ts';

/** GitHub's X-Hub-Signature-256: HMAC-SHA256 of the raw body with the webhook secret, compared in constant time. */
export class GitHubWebhookVerifier implements WebhookVerifier {
  constructor(private readonly secret: string) {}

  async verify(payload: string, signature: string): Promise<boolean> {
    if (!/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
    try {
      return await verify(this.secret, payload, signature);
    } catch {
      return false;
    }
  }
}
