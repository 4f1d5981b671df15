/**
 * npm run register:load -- FILE [--allow-shrink] [--batch-size N]
 *
 * Loads a Companies House "Free Company Data Product" file (CSV or its zip) into the shared
 * register (scripts/register/load.ts). Reaches the database as `npm run migrate` does:
 * DATABASE_URL when set (Neon directly; any other Postgres through an in-process local Neon
 * server), else the running `npm run dev` server, else .data/pglite. The URL's role must be the
 * migrating (owning) role, which may switch to app_register.
 */
import { parseArgs } from "node:util";
import { neonConfig } from "@neondatabase/serverless";
import { isNeonUrl, localUrl, startLocalDatabase } from "./db/local-database";
import { DEV_DATA_DIR, runningDevEndpoint } from "./lib/dev-vars";
import { loadRegister } from "./register/load";

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { "allow-shrink": { type: "boolean" }, "batch-size": { type: "string" } },
  });
  const [file] = positionals;
  if (!file) throw new Error("usage: npm run register:load -- FILE [--allow-shrink] [--batch-size N]");
  const options = {
    file,
    allowShrink: values["allow-shrink"] ?? false,
    batchSize: values["batch-size"] ? Number(values["batch-size"]) : undefined,
  };
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && isNeonUrl(databaseUrl)) {
    await loadRegister({ ...options, connectionString: databaseUrl });
    return;
  }
  const devEndpoint = databaseUrl ? undefined : await runningDevEndpoint();
  if (devEndpoint) {
    neonConfig.fetchEndpoint = devEndpoint;
    await loadRegister({ ...options, connectionString: localUrl("postgres") });
    return;
  }
  const database = await startLocalDatabase(databaseUrl ? { databaseUrl } : { dataDir: DEV_DATA_DIR });
  try {
    neonConfig.fetchEndpoint = database.fetchEndpoint;
    await loadRegister({ ...options, connectionString: database.ownerUrl });
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
