import type { TestProject } from 'vitest/node';
import {
  createServerTemplate,
  dropServerDatabase,
  migratedPgliteDump,
} from '../../src/adapters/postgres/testing/test-databases.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A gzipped, migrated PGlite data folder. */
    pgliteDump: string;
    /** The migrated template database on the PostgreSQL server, or '' without ATLAS_TEST_DATABASE_URL. */
    serverTemplate: string;
  }
}

/** Migrates once per run: a PGlite dump every test file loads, and a server template every file copies. */
export default async function globalSetup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('pgliteDump', await migratedPgliteDump());
  const url = process.env.ATLAS_TEST_DATABASE_URL;
  const template = url ? await createServerTemplate(url) : '';
  project.provide('serverTemplate', template);
  return async () => {
    if (url && template) await dropServerDatabase(url, template);
  };
}
