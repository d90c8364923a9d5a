import type { TeamSlug } from './team-slug.ts';

export interface Team {
  readonly id: string;
  readonly slug: TeamSlug;
  readonly name: string;
  readonly description: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const TEAM_ROLES = ['owner', 'maintainer', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export interface TeamMembership {
  readonly teamId: string;
  readonly userId: string;
  readonly role: TeamRole;
  readonly createdAt: Date;
}

/** A member as a team page lists them. */
export interface TeamMember extends TeamMembership {
  readonly username: string;
  readonly displayName: string;
}

/** A team as a user's page lists it. */
export interface UserTeam {
  readonly team: Team;
  readonly role: TeamRole;
}
