/**
 * npm run test:pg — the same test suite against a real PostgreSQL instead of PGlite.
 * Creates a fresh database on PG_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * runs `vitest run` with TEST_DATABASE_URL pointing at it, and drops it afterwards.
 */
import { spawnSync } from "node:child_process";
import pg from "pg";

async function main() {
  const adminUrl = new URL(process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `detecktiv_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const testUrl = new URL(adminUrl);
  testUrl.pathname = `/${name}`;
  console.log(`test:pg: fresh database ${name} on ${adminUrl.host}`);
  let status = 1;
  try {
    const result = spawnSync("vitest", ["run", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, TEST_DATABASE_URL: testUrl.toString() },
    });
    status = result.status ?? 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  process.exit(status);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
