/**
 * npm run migrate — applies migrations/ to:
 *   - DATABASE_URL when set (a Neon URL directly over HTTP; any other Postgres through an
 *     in-process local Neon server), using the role in the URL (the schema owner);
 *   - otherwise the dev database: through the running `npm run dev` server if there is one (on
 *     whatever port it runs), else by opening .data/pglite directly (scripts/lib/dev-database.ts).
 */
import { applyMigrations } from "./db/migrate";
import { withDevDatabase } from "./lib/dev-database";

async function main() {
  await withDevDatabase((target) => applyMigrations(target));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
