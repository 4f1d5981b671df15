/**
 * npm run db:backup -- --out FILE [--database-url URL]
 *
 * A logical backup of the application's database (roles, schema, data, grants, policies) as one
 * plain SQL file, for a self-run copy. The URL (or DATABASE_URL) is a direct Postgres connection
 * of a role that reads every row: the owner/superuser, never the API's role. On Neon,
 * point-in-time restore is the backup (README "Backups and restore"); this is the copy you keep
 * outside it.
 */
import { parseArgs } from "node:util";
import { backupDatabase, describeDatabase } from "./logical-backup";

async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" }, "database-url": { type: "string" } } });
  const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
  if (!values.out || !databaseUrl) {
    throw new Error("usage: npm run db:backup -- --out FILE [--database-url URL] (or DATABASE_URL)");
  }
  const started = performance.now();
  const result = await backupDatabase(databaseUrl, values.out);
  console.log(
    `backup of ${describeDatabase(databaseUrl)} written to ${result.file}: ${(result.bytes / 1024).toFixed(0)} KiB, ` +
      `roles ${result.roles.join(", ")}, ${result.pgDumpVersion}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
