import { InMemoryContentStore } from '../../src/adapters/memory/in-memory-content-store.ts';
import type { CommitInput, ContentStore } from '../../src/domain/content/content-store.ts';

/** A content store a suite can empty between tests while an app built once keeps its reference. */
export class SwappableContentStore implements ContentStore {
  inner: ContentStore = new InMemoryContentStore();

  reset(): void {
    this.inner = new InMemoryContentStore();
  }

  head() {
    return this.inner.head();
  }
  readItem(folder: string, at?: string) {
    return this.inner.readItem(folder, at);
  }
  listItemFiles(folder: string, at?: string) {
    return this.inner.listItemFiles(folder, at);
  }
  readFile(path: string, at?: string) {
    return this.inner.readFile(path, at);
  }
  listItems(at?: string) {
    return this.inner.listItems(at);
  }
  diffItems(from: string, to: string) {
    return this.inner.diffItems(from, to);
  }
  commit(input: CommitInput) {
    return this.inner.commit(input);
  }
  history(folder: string, opts: { limit: number; cursor?: string }) {
    return this.inner.history(folder, opts);
  }
}
