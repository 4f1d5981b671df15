/**
 * Scenario: list and search companies for one tenant holding 50,000 companies among 20 tenants
 * (1,000,000 rows) on a real PostgreSQL, through the Worker (wrangler dev) and the HTTP driver.
 * Also prints EXPLAIN ANALYZE of the search as the API role, to show that row-level security does
 * not turn it into a scan of other tenants' rows.
 */
import { neon } from "@neondatabase/serverless";
import pg from "pg";
import { mintDevToken } from "../scripts/lib/jwt";
import { freshPostgres } from "./fresh-postgres";
import { seedCompanies, seedOwner } from "./seed-companies";
import { ms, summarise } from "./stats";
import { startWorker } from "./worker-harness";

const SECRET = "bench-secret-that-is-at-least-32-characters";
const TENANTS = 20;
const PER_TENANT = Number(process.env.BENCH_COMPANIES_PER_TENANT ?? 50_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);

const QUERIES: Record<string, string> = {
  "recent page": "/v1/companies?limit=25",
  "name order, 2nd page": "/v1/companies?sort=name&limit=25",
  "search: exact number": "/v1/companies?q=00012345",
  "search: name prefix": "/v1/companies?q=northwind%20cloud",
  "search: fuzzy": "/v1/companies?q=nortwind%20clowd",
  "filter: postcode + sic": "/v1/companies?postcode=EC1&sic=62012",
};

export async function companiesSearchScenario(): Promise<Record<string, unknown>> {
  const { databaseUrl, database, drop } = await freshPostgres("search");
  try {
    const seeding = performance.now();
    const direct = new pg.Client({ connectionString: databaseUrl });
    await direct.connect();
    const [tenantId] = await seedCompanies(direct, TENANTS, PER_TENANT);
    if (!tenantId) throw new Error("no tenant");
    const tenant = { id: tenantId };
    await seedOwner(direct, tenant.id, "bench|owner");
    await direct.end();
    const seedSeconds = (performance.now() - seeding) / 1000;
    console.log(
      `\ncompanies search — ${TENANTS * PER_TENANT} companies (${PER_TENANT} per tenant) seeded in ${seedSeconds.toFixed(1)} s`,
    );

    // EXPLAIN as the API role, inside the identity of one tenant.
    const sql = neon(database.apiUrl);
    const [, plan] = await sql.transaction([
      sql.query("SELECT * FROM app.begin_request($1, 'bench|owner', NULL, NULL, NULL, 'viewer', NULL, true, 'bench')", [
        tenant.id,
      ]),
      sql.query(
        // The shape GET /v1/companies?q=… sends (src/routes/companies/list-companies.ts).
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
         SELECT id FROM companies WHERE deleted_at IS NULL AND id IN (
             SELECT id FROM companies WHERE company_number = 'NORTWIND CLOWD'
             UNION SELECT id FROM companies WHERE name_key COLLATE "C" >= 'nortwind clowd'
               AND name_key COLLATE "C" < 'nortwind clowd' || chr(1114111)
             UNION SELECT id FROM app.company_name_search WHERE name_key % 'nortwind clowd')
         ORDER BY -similarity(name_key, 'nortwind clowd'), id LIMIT 26`,
      ),
    ]);
    const planText = (plan ?? []).map((row) => String(Object.values(row)[0]));
    console.log("  EXPLAIN (fuzzy search, as app_api):");
    for (const line of planText) console.log(`    ${line}`);

    const worker = await startWorker({
      ENVIRONMENT: "test",
      LOG_LEVEL: "error",
      DATABASE_URL: database.apiUrl,
      NEON_FETCH_ENDPOINT: database.fetchEndpoint,
      JWT_SECRET: SECRET,
      RATE_LIMIT_ENABLED: "false",
    });
    const token = await mintDevToken({ secret: SECRET, subject: "bench|owner", tenantId: tenant.id });
    const headers = { Authorization: `Bearer ${token}` };
    const results: Record<string, unknown> = {};
    try {
      for (const [label, path] of Object.entries(QUERIES)) {
        const samples: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          const started = performance.now();
          const response = await worker.fetch(path, { headers });
          const body = (await response.json()) as { items?: unknown[] };
          if (response.status !== 200 || !body.items) throw new Error(`${label}: HTTP ${response.status}`);
          samples.push(performance.now() - started);
        }
        let done = 0;
        const until = performance.now() + 2000;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (performance.now() < until) {
              await (await worker.fetch(path, { headers })).arrayBuffer();
              done++;
            }
          }),
        );
        const summary = summarise(samples);
        results[label] = { ...summary, requests_per_second: done / 2 };
        console.log(
          `  ${label.padEnd(24)} p50 ${ms(summary.p50)}  p99 ${ms(summary.p99)}  ${(done / 2).toFixed(0)} req/s (8 concurrent)`,
        );
      }
    } finally {
      await worker.stop();
    }
    return { rows: TENANTS * PER_TENANT, seed_seconds: seedSeconds, explain: planText, latency: results };
  } finally {
    await drop();
  }
}
