import { describe, inject } from 'vitest';

/** The PostgreSQL server for tests, or undefined (with a visible message) when none is configured. */
export function serverUnderTest(): { url: string; template: string } | undefined {
  const url = process.env.ATLAS_TEST_DATABASE_URL;
  const template = inject('serverTemplate');
  if (!url || !template) return undefined;
  return { url, template };
}

/** `describe` that runs only with a PostgreSQL server, and says so when it skips. */
export function describeWithServer(name: string, body: (server: { url: string; template: string }) => void) {
  const server = serverUnderTest();
  if (!server) {
    console.warn(
      `[skipped] ${name}: set ATLAS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to run it`,
    );
    describe.skip(name, () => {});
    return;
  }
  describe(name, () => body(server));
}
