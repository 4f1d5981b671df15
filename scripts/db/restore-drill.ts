/**
 * npm run db:restore-drill — proves that a backup restores into a working, still-isolated API,
 * on the real PostgreSQL at PG_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 *   1. a fresh database, migrated through the local Neon server, seeded with two tenants;
 *   2. `npm run db:backup` of it, restored (`npm run db:restore`) into a second fresh database on
 *      the same cluster, where the app's roles already exist;
 *   3. checks on the restored database: every table's row count matches; owners, grants, RLS
 *      flags, policies, functions, triggers and sequences match; the API role is no superuser,
 *      cannot bypass RLS and, with no identity, reads 0 rows from every tenant table; the Worker
 *      (wrangler's unstable_dev, as `wrangler dev` runs it) answers GET /ready with 200 and shows
 *      each tenant owner exactly their own companies.
 * Both databases and the backup file are removed afterwards, whatever happened.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import type { Unstable_DevWorker } from "wrangler";
import { BENCH_ASSERTION_KEY, startWorker } from "../../bench/worker-harness";
import { type LocalDatabase, startLocalDatabase } from "../../neon-local/local-database";
import { mintDevToken } from "../lib/jwt";
import { installAssertionKey } from "./assertion-key";
import { apiRoleView, type SeededTenant, securityCatalog, seedTenant, tableCounts, withClient } from "./drill-checks";
import { backupDatabase, libpqConnection, restoreDatabase } from "./logical-backup";
import { applyMigrations } from "./migrate";

const SECRET = "restore-drill-secret-at-least-32-characters";

const adminUrl = new URL(process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const urlOf = (database: string, user?: string) => {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = "";
  }
  return url.toString();
};

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const failures: string[] = [];
const check = (ok: boolean, line: string) => {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${line}`);
  if (!ok) failures.push(line);
};

// Cleanup steps, newest first; run once whether the drill passes, fails or is interrupted.
const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;
const cleanUp = () => {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => console.error("cleanup:", error));
  })();
  return cleaning;
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanUp().then(() => process.exit(130)));
}

// The last resort: wrangler's own signal handlers may exit the process before the cleanup above
// is done. At exit only synchronous work runs, so whatever is still there is removed with psql.
const leftovers = { databases: new Set<string>(), directories: new Set<string>() };
process.on("exit", () => {
  const { dbname, env } = libpqConnection(adminUrl.toString());
  for (const name of leftovers.databases) {
    spawnSync(
      "psql",
      ["--no-psqlrc", "--quiet", `--dbname=${dbname}`, `--command=DROP DATABASE IF EXISTS ${name} WITH (FORCE)`],
      {
        env: { ...process.env, ...env },
        stdio: "ignore",
      },
    );
  }
  for (const directory of leftovers.directories) rmSync(directory, { recursive: true, force: true });
});

async function createDatabase(name: string) {
  await withClient(adminUrl.toString(), (admin) => admin.query(`CREATE DATABASE ${name}`));
  leftovers.databases.add(name);
  cleanups.push(async () => {
    await withClient(adminUrl.toString(), (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    leftovers.databases.delete(name);
  });
  return urlOf(name);
}

async function startDatabase(databaseUrl: string): Promise<LocalDatabase> {
  const database = await startLocalDatabase({ databaseUrl });
  cleanups.push(() => database.close());
  neonConfig.fetchEndpoint = database.fetchEndpoint;
  return database;
}

async function prepareSource(sourceUrl: string): Promise<SeededTenant[]> {
  const database = await startLocalDatabase({ databaseUrl: sourceUrl });
  let applied: string[];
  try {
    const owner = { connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint };
    ({ applied } = await applyMigrations(owner, () => {}));
    // The key the Worker below signs with; the restore must bring it along.
    await installAssertionKey(owner, BENCH_ASSERTION_KEY);
  } finally {
    await database.close();
  }
  const tenants = await withClient(sourceUrl, async (client) => [
    await seedTenant(client, `drill-a-${process.pid}`, 5),
    await seedTenant(client, `drill-b-${process.pid}`, 3),
  ]);
  console.log(`source: ${applied.length} migrations, 2 tenants seeded (5 and 3 companies)  [${elapsed()}]`);
  return tenants;
}

function compareCounts(source: Map<string, number>, restored: Map<string, number>) {
  const differing = [...new Set([...source.keys(), ...restored.keys()])].filter(
    (table) => source.get(table) !== restored.get(table),
  );
  const rows = [...source.values()].reduce((sum, n) => sum + n, 0);
  const nonEmpty = [...source.values()].filter((n) => n > 0).length;
  check(
    differing.length === 0,
    `row counts: ${source.size} tables (${nonEmpty} non-empty, ${rows} rows) match table by table` +
      (differing.length
        ? `; DIFFER: ${differing.map((t) => `${t} ${source.get(t)} vs ${restored.get(t)}`).join(", ")}`
        : ""),
  );
  for (const [table, n] of source) if (n > 0) console.log(`         ${table.padEnd(36)} ${n}`);
}

function compareCatalogs(source: Record<string, string[]>, restored: Record<string, string[]>) {
  for (const [part, lines] of Object.entries(source)) {
    const other = restored[part] ?? [];
    const missing = lines.filter((line) => !other.includes(line));
    const extra = other.filter((line) => !lines.includes(line));
    const few = (items: string[]) =>
      items.slice(0, 3).join(" | ") + (items.length > 3 ? ` (+${items.length - 3} more)` : "");
    check(
      missing.length === 0 && extra.length === 0,
      missing.length === 0 && extra.length === 0
        ? `${part}: ${lines.length} identical`
        : `${part}: ${missing.length} of ${lines.length} lost or changed: ${few(missing)}; instead: ${few(extra)}`,
    );
  }
}

/**
 * Reference data every tenant reads, with no tenant column: the plans (`GET /v1/plans` is
 * public) and the modules they include, UK SIC 2007 and the UK register (with the word list of its
 * names). Readable without an identity by design.
 */
const SHARED_REFERENCE_TABLES = new Set([
  "public.plans",
  "public.modules",
  "public.sic_codes",
  "public.sic_sections",
  "public.register_companies",
  "public.register_name_words",
]);

async function checkApiRole(restoredName: string, seeded: Map<string, number>) {
  const view = await apiRoleView(urlOf(restoredName, "app_api"));
  check(
    !view.superuser && !view.bypassesRls,
    `${view.role}: rolsuper ${view.superuser}, rolbypassrls ${view.bypassesRls}`,
  );
  const leaking = [...view.visible].filter(
    ([table, n]) => n !== 0 && n !== null && !SHARED_REFERENCE_TABLES.has(table),
  );
  const shared = [...view.visible].filter(([table]) => SHARED_REFERENCE_TABLES.has(table));
  const readable = [...view.visible].filter(([table, n]) => n === 0 && !SHARED_REFERENCE_TABLES.has(table));
  const seededReadable = readable.filter(([table]) => (seeded.get(table) ?? 0) > 0).length;
  check(
    leaking.length === 0 && seededReadable > 0,
    `${view.role} with no identity: ${readable.length} RLS tables read 0 rows (${seededReadable} of them hold seeded rows), ` +
      `${shared.length} shared reference tables readable by design, ` +
      `${view.visible.size - readable.length - leaking.length - shared.length} not granted` +
      (leaking.length ? `; LEAK: ${leaking.map(([t, n]) => `${t} ${n}`).join(", ")}` : ""),
  );
}

async function checkWorker(database: LocalDatabase, tenants: SeededTenant[]) {
  const worker: Unstable_DevWorker = await startWorker({
    ENVIRONMENT: "test",
    LOG_LEVEL: "error",
    DATABASE_URL: database.apiUrl,
    MAINTENANCE_DATABASE_URL: database.maintenanceUrl,
    NEON_FETCH_ENDPOINT: database.fetchEndpoint,
    JWT_SECRET: SECRET,
    RATE_LIMIT_ENABLED: "false",
  });
  cleanups.push(() => worker.stop());
  const ready = await worker.fetch("/ready");
  const body = (await ready.json()) as { status?: string; checks?: Record<string, string>; migration?: string };
  check(
    ready.status === 200 && body.status === "ready",
    `GET /ready on the restored database: ${ready.status} ${JSON.stringify(body.checks ?? body)} at ${body.migration}`,
  );
  for (const tenant of tenants) {
    const token = await mintDevToken({ secret: SECRET, subject: tenant.ownerSubject, tenantId: tenant.id });
    const response = await worker.fetch("/v1/companies?limit=100", { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { items?: { id: string }[] };
    const ids = (page.items ?? []).map((item) => item.id).sort();
    const own = JSON.stringify(ids) === JSON.stringify([...tenant.companyIds].sort());
    check(
      response.status === 200 && own,
      `GET /v1/companies as tenant ${tenant.id.slice(0, 8)}'s owner: ${response.status}, ${ids.length} companies` +
        (own ? ", exactly its own" : `, expected exactly its ${tenant.companyIds.length}`),
    );
  }
}

async function main() {
  const base = `detecktiv_drill_${Date.now()}_${process.pid}`;
  const [sourceName, restoredName] = [`${base}_source`, `${base}_restored`];
  console.log(`restore drill on ${adminUrl.host}: ${sourceName} -> backup -> ${restoredName}`);

  const sourceUrl = await createDatabase(sourceName);
  const tenants = await prepareSource(sourceUrl);

  const directory = await mkdtemp(join(tmpdir(), "detecktiv-drill-"));
  leftovers.directories.add(directory);
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const file = join(directory, "backup.sql");
  const backup = await backupDatabase(sourceUrl, file);
  console.log(
    `backup: ${(backup.bytes / 1024).toFixed(0)} KiB, roles ${backup.roles.join(", ")} (${backup.pgDumpVersion})  [${elapsed()}]`,
  );

  const restoredUrl = await createDatabase(restoredName);
  await restoreDatabase(file, restoredUrl);
  console.log(`restored into ${restoredName} (the roles already existed on this cluster)  [${elapsed()}]`);

  const snapshot = (url: string) =>
    withClient(url, async (client) => ({ counts: await tableCounts(client), catalog: await securityCatalog(client) }));
  const [source, restored] = [await snapshot(sourceUrl), await snapshot(restoredUrl)];
  compareCounts(source.counts, restored.counts);
  compareCatalogs(source.catalog, restored.catalog);
  await checkApiRole(restoredName, source.counts);
  await checkWorker(await startDatabase(restoredUrl), tenants);
}

main()
  .catch((error: unknown) => {
    failures.push(error instanceof Error ? error.message : String(error));
    console.error(error instanceof Error ? error.message : error);
  })
  .finally(async () => {
    await cleanUp();
    console.log(
      failures.length === 0
        ? `restore drill passed in ${elapsed()}`
        : `restore drill FAILED (${failures.length}) in ${elapsed()}`,
    );
    process.exit(failures.length === 0 ? 0 : 1);
  });
