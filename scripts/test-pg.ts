/**
 * npm run test:pg — the same test suite against a real PostgreSQL instead of PGlite.
 * Creates fresh databases on PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) — one
 * for the Worker suite (TEST_DATABASE_URL, migrated by its global setup) and one for the local
 * Neon server's own tests (NEON_LOCAL_TEST_DATABASE_URL, which must not see our migrations) —
 * runs `vitest run`, and drops both afterwards.
 */
import { spawnSync } from "node:child_process";
import pg from "pg";

async function main() {
  const adminUrl = new URL(process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const base = `detecktiv_test_${Date.now()}_${process.pid}`;
  const names = { worker: base, neonLocal: `${base}_neonlocal` };
  const urlOf = (name: string) => Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  let status = 1;
  try {
    for (const name of Object.values(names)) await admin.query(`CREATE DATABASE ${name}`);
    console.log(`test:pg: fresh databases ${Object.values(names).join(", ")} on ${adminUrl.host}`);
    const result = spawnSync("vitest", ["run", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: {
        ...process.env,
        TEST_DATABASE_URL: urlOf(names.worker),
        NEON_LOCAL_TEST_DATABASE_URL: urlOf(names.neonLocal),
      },
    });
    status = result.status ?? 1;
  } finally {
    for (const name of Object.values(names)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  process.exit(status);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
