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
import { withDevDatabase } from "./lib/dev-database";
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
  await withDevDatabase(async ({ connectionString, fetchEndpoint }) => {
    if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
    await loadRegister({ ...options, connectionString });
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
