/** One write, as the audit log keeps it: who, what, when and from where. Never secrets. */
export interface AuditEntry {
  readonly id: string;
  readonly at: Date;
  readonly actorId: string | null;
  readonly actorName: string | null;
  /** Dotted verb, e.g. `user.register`, `token.create`, `item.publish`. */
  readonly action: string;
  /** What the write touched, e.g. `user/alice`, `team/platform`, `skill/platform/pdf-tools`. */
  readonly target: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly ip: string | null;
}
