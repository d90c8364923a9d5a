import { type TObject, type TOptional, type TProperties, Type } from 'typebox';

const TeamSlug = Type.String({ maxLength: 39, description: 'The team whose marketplace this is: only its skills.' });

/** The path parameters of a marketplace route: `properties`, and `team` under `/registries/<team>/`. */
export function marketplaceParams<P extends TProperties>(properties: P, teamRegistry: boolean) {
  return Type.Object(teamRegistry ? { ...properties, team: TeamSlug } : properties) as unknown as TObject<
    P & { team: TOptional<typeof TeamSlug> }
  >;
}

export const MarketplaceFileParam = {
  file: Type.String({ maxLength: 40, description: '`claude-code.json`, `codex.json` or `cursor.json`' }),
};
export const PluginRepositoryParam = {
  repository: Type.String({ maxLength: 80, description: '`<namespace>.git`: the plugin of one namespace' }),
};
export const PluginObjectParam = {
  ...PluginRepositoryParam,
  dir: Type.String({ maxLength: 40 }),
  file: Type.String({ maxLength: 80 }),
};
