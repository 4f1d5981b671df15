import type { TestProject } from "vitest/node";
import { startLocalDatabase } from "../../scripts/db/local-database";
import { applyMigrations } from "../../scripts/db/migrate";

/**
 * Starts the local Neon server over a freshly migrated database — in-memory PGlite, or the real
 * Postgres named by TEST_DATABASE_URL — and hands its endpoint and role URLs to the Worker.
 */
export default async function setup(project: TestProject) {
  const database = await startLocalDatabase({ databaseUrl: process.env.TEST_DATABASE_URL });
  await applyMigrations({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint }, () => {});
  project.provide("neonEndpoint", database.fetchEndpoint);
  project.provide("databaseUrl", database.apiUrl);
  project.provide("ownerDatabaseUrl", database.ownerUrl);
  project.provide("databaseBackend", database.backend);
  return () => database.close();
}
