/**
 * Scenario: scrape 200 fake company sites through the real pipeline (POST /v1/companies/{id}/scrape
 * → queue → consumer → Postgres) in wrangler dev. Reports pages per second, the Worker's CPU time
 * per page (workerd's own CPU use over the run, so an upper bound: API requests included) and the
 * closest two requests any one host saw, against the configured delay.
 */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { neon, neonConfig } from "@neondatabase/serverless";
import { startLocalDatabase } from "../neon-local/local-database";
import { DEMO_OWNER, DEMO_TENANT_ID, seedDemo } from "../scripts/db/seed";
import { mintDevToken } from "../scripts/lib/jwt";
import { startFakeWebsites } from "../test/servers/fake-websites";
import { prepareDatabase, startWorker } from "./worker-harness";

const SECRET = "bench-secret-that-is-at-least-32-characters";
const SITES = Number(process.env.BENCH_SITES ?? 200);
const HOST_DELAY_MS = 250;
const TIMEOUT_MS = 10 * 60 * 1000;

/** CPU time (ms) used so far by every workerd process: user + system, from /proc. */
function workerdCpuMs(): number {
  let pids: string[] = [];
  try {
    pids = execFileSync("pgrep", ["-f", "workerd"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return Number.NaN;
  }
  const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // exited
    }
  }
  return (ticks / ticksPerSecond) * 1000;
}

export async function scrapeScenario(): Promise<Record<string, unknown>> {
  const sites = await startFakeWebsites({ generated: SITES });
  const database = await startLocalDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL });
  neonConfig.fetchEndpoint = database.fetchEndpoint;
  const worker = await (async () => {
    await prepareDatabase(database);
    await seedDemo(database.ownerUrl);
    return startWorker({
      ENVIRONMENT: "development",
      LOG_LEVEL: "error",
      DATABASE_URL: database.apiUrl,
      MAINTENANCE_DATABASE_URL: database.maintenanceUrl,
      NEON_FETCH_ENDPOINT: database.fetchEndpoint,
      JWT_SECRET: SECRET,
      RATE_LIMIT_ENABLED: "false",
      SCRAPE_ALLOW_PRIVATE_NETWORKS: "true",
      SCRAPE_MIN_HOST_DELAY_MS: String(HOST_DELAY_MS),
    });
  })();
  try {
    const owner = neon(database.ownerUrl);
    const names = Array.from({ length: SITES }, (_, i) => `site-${i}`);
    const companies = (await owner.query(
      `INSERT INTO companies (tenant_id, name, website, domain)
       SELECT $1, 'Bench site ' || n, o, o FROM unnest($2::text[], $3::text[]) AS s(n, o) RETURNING id`,
      [DEMO_TENANT_ID, names, names.map((name) => sites.origins[name])],
    )) as { id: string }[];
    const token = await mintDevToken({ secret: SECRET, subject: DEMO_OWNER.subject, tenantId: DEMO_TENANT_ID });
    const headers = { Authorization: `Bearer ${token}` };

    const cpuBefore = workerdCpuMs();
    const started = performance.now();
    for (const { id } of companies) {
      const response = await worker.fetch(`/v1/companies/${id}/scrape`, { method: "POST", headers });
      if (response.status !== 202) throw new Error(`scrape request: HTTP ${response.status} ${await response.text()}`);
    }
    let done: { status: string; n: number; pages: number }[] = [];
    while (performance.now() - started < TIMEOUT_MS) {
      done = (await owner.query(
        "SELECT status, count(*)::int AS n, coalesce(sum(pages_fetched), 0)::int AS pages FROM scrape_jobs GROUP BY status",
      )) as typeof done;
      if (done.every((row) => row.status === "succeeded" || row.status === "failed")) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = workerdCpuMs() - cpuBefore;
    const succeeded = done.find((row) => row.status === "succeeded")?.n ?? 0;
    const pages = done.reduce((sum, row) => sum + row.pages, 0);

    // Politeness, as the sites saw it.
    let closest = Number.POSITIVE_INFINITY;
    let robotsFetches = 0;
    for (const name of names) {
      const hits = sites.hits(name);
      robotsFetches += hits.filter((hit) => hit.path === "/robots.txt").length;
      for (let i = 1; i < hits.length; i++) closest = Math.min(closest, (hits[i]?.at ?? 0) - (hits[i - 1]?.at ?? 0));
    }
    const result = {
      sites: SITES,
      jobs_succeeded: succeeded,
      pages,
      seconds: Number(seconds.toFixed(1)),
      pages_per_second: Number((pages / seconds).toFixed(1)),
      worker_cpu_ms_per_page: Number((cpuMs / pages).toFixed(2)),
      host_delay_ms: HOST_DELAY_MS,
      closest_requests_to_one_host_ms: closest,
      robots_fetches_per_site: Number((robotsFetches / SITES).toFixed(2)),
    };
    console.log(`\nscrape — ${SITES} sites, ${pages} pages in ${result.seconds} s (${succeeded} jobs succeeded)`);
    console.log(`  pages per second          ${result.pages_per_second}`);
    console.log(`  Worker CPU per page       ${result.worker_cpu_ms_per_page} ms (workerd CPU over the run / pages)`);
    console.log(
      `  closest two requests, one host: ${closest} ms (delay ${HOST_DELAY_MS} ms: ${closest >= HOST_DELAY_MS - 5 ? "respected" : "VIOLATED"})`,
    );
    console.log(`  robots.txt fetches per site ${result.robots_fetches_per_site}`);
    return result;
  } finally {
    await worker.stop();
    await database.close();
    await sites.close();
  }
}
