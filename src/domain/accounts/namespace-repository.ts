import type { Namespace } from './namespace.ts';

/** The shared space of user and team names. Names are claimed by inserting a user or a team. */
export interface NamespaceRepository {
  /** Case-insensitive; undefined when nobody holds the name. */
  findByName(name: string): Promise<Namespace | undefined>;
}
