import type { Actor } from '../accounts/actor.ts';
import type { ApiToken } from '../accounts/api-token.ts';
import type { Email } from '../accounts/email.ts';
import type { Team } from '../accounts/team.ts';
import type { TeamSlug } from '../accounts/team-slug.ts';
import type { User } from '../accounts/user.ts';
import type { Username } from '../accounts/username.ts';
import type { AuditEntry } from '../audit/audit-entry.ts';
import type { CatalogItem } from '../catalog/catalog-item.ts';
import { KIND_LAYOUT } from '../catalog/item-kind.ts';
import { parseItemRef } from '../catalog/item-ref.ts';
import { newId } from '../ids.ts';

let clock = Date.UTC(2026, 0, 1);
/** Strictly increasing test timestamps, one millisecond apart. */
export function tick(): Date {
  clock += 1;
  return new Date(clock);
}

export function buildUser(
  overrides: Partial<Omit<User, 'username' | 'email'>> & { username?: string; email?: string } = {},
): User {
  const username = (overrides.username ?? `user-${newId().slice(-8)}`) as Username;
  const now = tick();
  return {
    id: newId(),
    email: `${username}@example.com` as Email,
    displayName: username,
    passwordHash: null,
    isAdmin: false,
    createdAt: now,
    updatedAt: now,
    ...overrides,
    username,
  } as User;
}

/** The actor of a signed-in user, without a token. */
export function buildActor(user: User): Actor & { readonly user: User } {
  return { user, tokenId: null, ip: '127.0.0.1' };
}

export function buildTeam(overrides: Partial<Omit<Team, 'slug'>> & { slug?: string } = {}): Team {
  const slug = (overrides.slug ?? `team-${newId().slice(-8)}`) as TeamSlug;
  const now = tick();
  return { id: newId(), name: slug, description: '', createdAt: now, updatedAt: now, ...overrides, slug } as Team;
}

/** An item from a reference like `skill/platform/pdf-tools`. */
export function buildItem(ref: string, overrides: Partial<CatalogItem> = {}): CatalogItem {
  const { kind, namespace, name } = parseItemRef(ref);
  const now = tick();
  return {
    id: newId(),
    kind,
    namespace,
    name,
    gitPath: `${KIND_LAYOUT[kind].folder}/${namespace}/${name}`,
    treeSha: 'a'.repeat(40),
    commitSha: 'b'.repeat(40),
    manifest: { name, description: `The ${name} item` },
    title: null,
    description: `The ${name} item`,
    version: null,
    serverName: null,
    ownerUserId: null,
    teamId: null,
    tags: [],
    visibility: 'org',
    status: 'active',
    statusMessage: null,
    problems: [],
    usageCount: 0,
    historySince: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function buildToken(userId: string, overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: newId(),
    userId,
    kind: 'personal',
    name: 'ci',
    scopes: ['full'],
    tokenHash: newId().replaceAll('-', '') + newId().replaceAll('-', ''),
    displayPrefix: 'atlas_pat_ab',
    createdAt: tick(),
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function buildAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: newId(),
    at: tick(),
    actorId: null,
    actorName: 'system',
    action: 'user.register',
    target: 'user/someone',
    details: {},
    ip: '127.0.0.1',
    ...overrides,
  };
}
