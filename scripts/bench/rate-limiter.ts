/**
 * Scenario: what the rate limiter adds to a request. The same endpoint (GET /v1/tenant: edge
 * auth, limiter, one database batch) on two copies of the built Worker, one with the limiter and
 * one without (RATE_LIMIT_ENABLED=false), requests interleaved so both see the same machine.
 */
import { neonConfig } from "@neondatabase/serverless";
import { startLocalDatabase } from "../db/local-database";
import { DEMO_OWNER, DEMO_TENANT_ID, seedDemo } from "../db/seed";
import { mintDevToken } from "../lib/jwt";
import { ms, type Summary, summarise } from "./stats";
import { prepareDatabase, startWorker } from "./worker-harness";

const SECRET = "bench-secret-that-is-at-least-32-characters";
const WARMUP = 200;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2000);
const THROUGHPUT_SECONDS = 3;
const CONCURRENCY = 16;

export async function rateLimiterScenario(): Promise<Record<string, unknown>> {
  const database = await startLocalDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL });
  neonConfig.fetchEndpoint = database.fetchEndpoint;
  await prepareDatabase(database);
  await seedDemo(database.ownerUrl);
  const common = {
    ENVIRONMENT: "test",
    LOG_LEVEL: "error",
    DATABASE_URL: database.apiUrl,
    NEON_FETCH_ENDPOINT: database.fetchEndpoint,
    JWT_SECRET: SECRET,
    // Never the bottleneck: the bench measures the limiter's cost, not its refusals.
    RATE_LIMIT_PLANS: JSON.stringify({ pro: { per_minute: 1_000_000, burst: 1_000_000 } }),
  };
  const workers = {
    on: await startWorker({ ...common, RATE_LIMIT_ENABLED: "true" }),
    off: await startWorker({ ...common, RATE_LIMIT_ENABLED: "false" }),
  };
  const token = await mintDevToken({ secret: SECRET, subject: DEMO_OWNER.subject, tenantId: DEMO_TENANT_ID });
  const request = (worker: keyof typeof workers) =>
    workers[worker].fetch("/v1/tenant", { headers: { Authorization: `Bearer ${token}` } });

  try {
    for (let i = 0; i < WARMUP; i++) {
      for (const worker of ["on", "off"] as const) await (await request(worker)).arrayBuffer();
    }
    const latencies: Record<"on" | "off", number[]> = { on: [], off: [] };
    for (let i = 0; i < SAMPLES; i++) {
      for (const worker of i % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
        const started = performance.now();
        const response = await request(worker);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${worker}: HTTP ${response.status}`);
        // A limiter that failed open would make the "on" figures meaningless.
        if ((worker === "on") !== response.headers.has("ratelimit")) throw new Error(`${worker}: RateLimit header`);
        latencies[worker].push(performance.now() - started);
      }
    }
    const throughput: Record<"on" | "off", number> = { on: 0, off: 0 };
    for (const worker of ["off", "on"] as const) {
      let done = 0;
      const until = performance.now() + THROUGHPUT_SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < until) {
            await (await request(worker)).arrayBuffer();
            done++;
          }
        }),
      );
      throughput[worker] = done / THROUGHPUT_SECONDS;
    }
    const on = summarise(latencies.on);
    const off = summarise(latencies.off);
    report(on, off, throughput, database.backend);
    return {
      backend: database.backend,
      samples: SAMPLES,
      latency_ms: { limiter_on: on, limiter_off: off },
      added_p50_ms: on.p50 - off.p50,
      added_p99_ms: on.p99 - off.p99,
      p50_ratio: on.p50 / off.p50,
      throughput_rps: { limiter_on: throughput.on, limiter_off: throughput.off, ratio: throughput.on / throughput.off },
      target: "limiter adds < 1 ms at p50",
      target_met: on.p50 - off.p50 < 1,
    };
  } finally {
    await Promise.all([workers.on.stop(), workers.off.stop()]);
    await database.close();
  }
}

function report(on: Summary, off: Summary, throughput: Record<"on" | "off", number>, backend: string) {
  console.log(`\nrate limiter — GET /v1/tenant, ${on.count} interleaved samples each, database: ${backend}`);
  console.log(
    `  limiter off  p50 ${ms(off.p50)}  p90 ${ms(off.p90)}  p99 ${ms(off.p99)}  ${throughput.off.toFixed(0)} req/s`,
  );
  console.log(
    `  limiter on   p50 ${ms(on.p50)}  p90 ${ms(on.p90)}  p99 ${ms(on.p99)}  ${throughput.on.toFixed(0)} req/s`,
  );
  console.log(
    `  added        p50 ${ms(on.p50 - off.p50)}  p99 ${ms(on.p99 - off.p99)}  ` +
      `(p50 ratio ${(on.p50 / off.p50).toFixed(3)}, throughput ratio ${(throughput.on / throughput.off).toFixed(3)})`,
  );
  console.log(`  target: < 1 ms added at p50 — ${on.p50 - off.p50 < 1 ? "met" : "NOT met"}`);
}
