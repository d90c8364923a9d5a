import type { ApiToken } from '../../domain/accounts/api-token.ts';
import type { Team, TeamMember } from '../../domain/accounts/team.ts';
import type { User } from '../../domain/accounts/user.ts';
import type { AuditEntry } from '../../domain/audit/audit-entry.ts';
import type { User as UserJson } from './schemas/accounts.ts';
import type { AuditEntry as AuditEntryJson } from './schemas/audit.ts';
import type { Member as MemberJson, Team as TeamJson } from './schemas/teams.ts';
import type { Token as TokenJson } from './schemas/tokens.ts';

/** What the API shows of an account: never the password hash. */
export const presentUser = (u: User): UserJson => ({
  id: u.id,
  username: u.username,
  email: u.email,
  displayName: u.displayName,
  isAdmin: u.isAdmin,
  createdAt: u.createdAt.toISOString(),
});

export const presentTeam = (t: Team): TeamJson => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  description: t.description,
  createdAt: t.createdAt.toISOString(),
});

export const presentMember = (m: TeamMember): MemberJson => ({
  username: m.username,
  displayName: m.displayName,
  role: m.role,
  since: m.createdAt.toISOString(),
});

/** What the API shows of a token: never its hash, and its secret only once, at creation. */
export const presentToken = (t: ApiToken): TokenJson => ({
  id: t.id,
  kind: t.kind,
  name: t.name,
  scopes: [...t.scopes],
  prefix: t.displayPrefix,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

export const presentAudit = (e: AuditEntry): AuditEntryJson => ({
  id: e.id,
  at: e.at.toISOString(),
  actor: e.actorName,
  action: e.action,
  target: e.target,
  details: { ...e.details },
  ip: e.ip,
});
