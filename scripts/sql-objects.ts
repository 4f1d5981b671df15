/**
 * npm run db:sql-objects — regenerates src/db/sql/*.sql, the current definition of every
 * function, trigger, policy, view and grant, from a fresh in-memory PGlite migrated to the
 * latest migration. Run it after writing a migration that changes any of them; the test
 * test/node/db/sql-objects.test.ts fails until you do.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { neon } from "@neondatabase/serverless";
import { startLocalDatabase } from "../neon-local/local-database";
import { applyMigrations } from "./db/migrate";
import { readSqlObjects, SQL_OBJECTS_DIR } from "./db/sql-objects";

async function main() {
  const database = await startLocalDatabase();
  try {
    await applyMigrations({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint }, () => {});
    const sql = neon(database.ownerUrl);
    const files = await readSqlObjects((text) => sql.query(text));
    mkdirSync(SQL_OBJECTS_DIR, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(SQL_OBJECTS_DIR, file), content);
    console.log(`wrote ${Object.keys(files).join(", ")} to src/db/sql/`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
