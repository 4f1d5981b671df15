/**
 * npm run operator-key -- --name <who>            creates an operator key and prints it ONCE
 * npm run operator-key -- --revoke <name|prefix>  revokes that operator's keys
 *
 * Against the database in use, found as `npm run migrate` finds it (scripts/lib/dev-database.ts):
 * DATABASE_URL (in production: the migrating role's URL), else the running `npm run dev` on
 * whatever port it runs, else .data/pglite opened directly. Only the key's SHA-256 is stored.
 */
import { parseArgs } from "node:util";
import { neon, neonConfig } from "@neondatabase/serverless";
import { generateOperatorKey, hashOperatorKey } from "../src/auth/operator-keys";
import { withDevDatabase } from "./lib/dev-database";

async function main() {
  const { values } = parseArgs({ options: { name: { type: "string" }, revoke: { type: "string" } } });
  const name = values.name?.trim();
  if (!name === !values.revoke) {
    throw new Error("usage: npm run operator-key -- --name <who>  |  npm run operator-key -- --revoke <name|prefix>");
  }
  if (name && name.length > 200) throw new Error("--name is at most 200 characters");
  await withDevDatabase(async (target) => {
    neonConfig.fetchEndpoint = target.fetchEndpoint ?? neonConfig.fetchEndpoint;
    const sql = neon(target.connectionString);
    if (values.revoke) {
      const rows = await sql.query(
        "UPDATE operators SET revoked_at = now() WHERE kind = 'key' AND revoked_at IS NULL AND (name = $1 OR prefix = $1) RETURNING prefix",
        [values.revoke],
      );
      console.error(rows.length ? `revoked ${rows.map((row) => row.prefix).join(", ")}` : "no such active key");
      if (!rows.length) process.exitCode = 1;
      return;
    }
    const { key, prefix } = generateOperatorKey();
    await sql.query("INSERT INTO operators (name, kind, key_hash, prefix) VALUES ($1, 'key', $2, $3)", [
      name,
      await hashOperatorKey(key),
      prefix,
    ]);
    console.error(`operator key for ${name} (${prefix}…): shown once, store it now`);
    console.log(key);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
