import { type Static, type TObject, type TOptional, type TProperties, Type } from 'typebox';

// Skill discovery: the formats other programs define and read (see the README's "Skill discovery").

/** The `$schema` of an Agent Skills discovery index, version 0.2.0: clients match it exactly. */
export const AGENT_SKILLS_DISCOVERY_SCHEMA = 'https://schemas.agentskills.io/discovery/0.2.0/schema.json';

/** The longest description a discovery 0.2.0 entry carries (clients skip longer ones); longer ones are cut. */
export const DISCOVERY_DESCRIPTION_MAX = 1024;

const SkillName = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 });

/** One entry of `/.well-known/agent-skills/index.json`. */
export const AgentSkillEntrySchema = Type.Object({
  name: SkillName,
  type: Type.Union([Type.Literal('skill-md'), Type.Literal('archive')], {
    description:
      '`skill-md`: the skill is its SKILL.md alone; `archive`: a zip of the skill folder, files at its root.',
  }),
  description: Type.String({ minLength: 1, maxLength: DISCOVERY_DESCRIPTION_MAX }),
  url: Type.String({ description: 'The artifact, relative to the index: `<name>/SKILL.md` or `<name>.zip`.' }),
  digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: 'SHA-256 of exactly the bytes served at url.' }),
  version: Type.Optional(Type.String({ description: "The skill's own semantic version, when it declares one." })),
});
export type AgentSkillEntry = Static<typeof AgentSkillEntrySchema>;

/** `/.well-known/agent-skills/index.json`: Agent Skills discovery 0.2.0. */
export const AgentSkillsIndexSchema = Type.Object({
  $schema: Type.Literal(AGENT_SKILLS_DISCOVERY_SCHEMA),
  skills: Type.Array(AgentSkillEntrySchema),
});
export type AgentSkillsIndex = Static<typeof AgentSkillsIndexSchema>;

/** One entry of `/.well-known/skills/index.json`, the earlier format: each file is at `<name>/<path>` beside it. */
export const WellKnownSkillEntrySchema = Type.Object({
  name: SkillName,
  description: Type.String({ minLength: 1 }),
  files: Type.Array(Type.String(), { minItems: 1, description: 'Every file of the skill, SKILL.md included.' }),
});
export type WellKnownSkillEntry = Static<typeof WellKnownSkillEntrySchema>;

/** `/.well-known/skills/index.json`. */
export const WellKnownSkillsIndexSchema = Type.Object({ skills: Type.Array(WellKnownSkillEntrySchema) });
export type WellKnownSkillsIndex = Static<typeof WellKnownSkillsIndexSchema>;

/** `GET /api/search`: what `skills find` sends (it may add parameters of its own, which are ignored). */
export const SkillSearchQuerySchema = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  owner: Type.Optional(Type.String({ maxLength: 39, description: 'Only skills of this namespace.' })),
});
export type SkillSearchQuery = Static<typeof SkillSearchQuerySchema>;

export const SkillSearchHitSchema = Type.Object({
  id: Type.String({ description: '`<namespace>/<name>`.' }),
  name: SkillName,
  installs: Type.Integer({ minimum: 0 }),
  source: Type.String({
    description: 'What `skills add <source> --skill <name>` installs from: the Atlas (or team registry) URL.',
  }),
});
export type SkillSearchHit = Static<typeof SkillSearchHitSchema>;

export const SkillSearchAnswerSchema = Type.Object({ skills: Type.Array(SkillSearchHitSchema) });
export type SkillSearchAnswer = Static<typeof SkillSearchAnswerSchema>;

const TeamSlug = Type.String({ maxLength: 39, description: 'The team whose registry this is: only its skills.' });

/**
 * The path parameters of a discovery route: `properties`, and `team` under `/registries/<team>/` (the same routes
 * serve the whole catalog at the root and one team's skills there).
 */
export function discoveryParams<P extends TProperties>(properties: P, teamRegistry: boolean) {
  return Type.Object(teamRegistry ? { ...properties, team: TeamSlug } : properties) as unknown as TObject<
    P & { team: TOptional<typeof TeamSlug> }
  >;
}

export const ArtifactParam = { artifact: Type.String({ maxLength: 80, description: '`<name>.zip`' }) };
export const SkillNameParam = { name: Type.String({ maxLength: 64 }) };
export const SkillFileParam = { ...SkillNameParam, '*': Type.String({ maxLength: 1024 }) };
