/**
 * npm run db:restore -- --in FILE --target URL
 *
 * Restores a file made by `npm run db:backup` into an EMPTY database (create it first:
 * `createdb` or `CREATE DATABASE`), in one transaction. Roles the file names are created when the
 * cluster lacks them and keep their password when it has them; new roles have none (set one, as
 * in README "Deploy"). Then point the Worker's DATABASE_URL / MAINTENANCE_DATABASE_URL at it and
 * check GET /ready.
 */
import { parseArgs } from "node:util";
import { describeDatabase, restoreDatabase } from "./logical-backup";

async function main() {
  const { values } = parseArgs({ options: { in: { type: "string" }, target: { type: "string" } } });
  if (!values.in || !values.target) throw new Error("usage: npm run db:restore -- --in FILE --target URL");
  const started = performance.now();
  await restoreDatabase(values.in, values.target);
  console.log(
    `restored ${values.in} into ${describeDatabase(values.target)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
