import type { Namespace } from '../../domain/accounts/namespace.ts';
import type { NamespaceRepository } from '../../domain/accounts/namespace-repository.ts';
import { copy, type InMemoryState, lower } from './in-memory-state.ts';

/** Names are claimed by the user and team repositories, which write `state.namespaces`. */
export class InMemoryNamespaceRepository implements NamespaceRepository {
  constructor(private readonly state: InMemoryState) {}

  async findByName(name: string): Promise<Namespace | undefined> {
    const found = this.state.namespaces.get(lower(name));
    return found && copy(found);
  }
}
