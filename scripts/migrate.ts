/**
 * npm run migrate — applies migrations/ to:
 *   - DATABASE_URL when set (a Neon URL directly over HTTP; any other Postgres through an
 *     in-process local Neon server), using the role in the URL (the schema owner);
 *   - otherwise the dev database: through the running `npm run dev` server if there is one,
 *     else by opening .data/pglite directly.
 */
import { neonConfig } from "@neondatabase/serverless";
import { isNeonUrl, localUrl, startLocalDatabase } from "../neon-local/local-database";
import { applyMigrations } from "./db/migrate";
import { DEV_DATA_DIR, runningDevEndpoint } from "./lib/dev-vars";

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && isNeonUrl(databaseUrl)) {
    await applyMigrations({ connectionString: databaseUrl });
    return;
  }
  const devEndpoint = databaseUrl ? undefined : await runningDevEndpoint();
  if (devEndpoint) {
    neonConfig.fetchEndpoint = devEndpoint;
    await applyMigrations({ connectionString: localUrl("postgres"), fetchEndpoint: devEndpoint });
    return;
  }
  const database = await startLocalDatabase(databaseUrl ? { databaseUrl } : { dataDir: DEV_DATA_DIR });
  try {
    await applyMigrations({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint });
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
