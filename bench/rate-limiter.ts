/**
 * Scenario: what the rate limiter adds to a request, against what a bare Durable Object call adds.
 * Six workerd processes, requests interleaved round by round so all see the same machine:
 * - the API (GET /v1/tenant: edge auth, limiter, one database batch) with the limiter on, off,
 *   and on with its binding pointed at a Durable Object that does nothing (the same path in the
 *   same isolate, minus the decision: the floor the limiter is held to);
 * - the bench-only floor Worker (bench/durable-object-floor/) answering a constant, making
 *   one no-op Durable Object call, or making one limiter call through the API's own client (the
 *   same comparison in a near-empty isolate).
 * CPU is that of the workerd process running each Worker (Linux scheduler accounting of all its
 * threads: isolate and Durable Object together; wrangler's dev proxy, the same for all, is left
 * out), divided by the requests it served. Targets: what the limiter adds, in CPU and in p50 latency, ≤ 1.1 × what
 * a bare Durable Object call adds.
 */
import { neonConfig } from "@neondatabase/serverless";
import type { Unstable_DevWorker } from "wrangler";
import { startLocalDatabase } from "../neon-local/local-database";
import { DEMO_OWNER, DEMO_TENANT_ID, seedDemo } from "../scripts/db/seed";
import { mintDevToken } from "../scripts/lib/jwt";
import { ms, type Summary, summarise } from "./stats";
import { prepareDatabase, startFloorWorker, startWorker, startWorkerWithBareLimiter } from "./worker-harness";
import { withNewWorkerd, workerdCpuMs } from "./workerd-cpu";

const SECRET = "bench-secret-that-is-at-least-32-characters";
const WARMUP = 300;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3000);
const THROUGHPUT_SECONDS = 3;
const CONCURRENCY = 16;
const TARGET_RATIO = 1.1;

const TARGETS = [
  "api_limiter_on",
  "api_limiter_off",
  "api_bare_durable_object",
  "constant",
  "bare_durable_object",
  "limiter_call",
] as const;
type Target = (typeof TARGETS)[number];

/** What wrangler's dev Worker answers with (undici's Response, not the Workers type). */
type DevResponse = Awaited<ReturnType<Unstable_DevWorker["fetch"]>>;

interface Process {
  worker: Unstable_DevWorker;
  pids: number[];
  request: () => Promise<DevResponse>;
  /** What a correct answer looks like: a limiter that failed open would void the figures. */
  check: (response: DevResponse) => boolean;
}

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
  const token = await mintDevToken({ secret: SECRET, subject: DEMO_OWNER.subject, tenantId: DEMO_TENANT_ID });
  const api = async (limiter: "real" | "bare" | "off"): Promise<Process> => {
    const vars = { ...common, RATE_LIMIT_ENABLED: String(limiter !== "off") };
    const { value: worker, pids } = await withNewWorkerd(
      () => (limiter === "bare" ? startWorkerWithBareLimiter(vars) : startWorker(vars)),
      async (started) => (await started.fetch("/health")).arrayBuffer(),
    );
    return {
      worker,
      pids,
      request: () => worker.fetch("/v1/tenant", { headers: { Authorization: `Bearer ${token}` } }),
      check: (response) => response.status === 200 && response.headers.has("ratelimit") === (limiter !== "off"),
    };
  };
  const floor = async (path: string, limited: boolean): Promise<Process> => {
    const { value: worker, pids } = await withNewWorkerd(startFloorWorker, async (started) =>
      (await started.fetch("/constant")).arrayBuffer(),
    );
    return {
      worker,
      pids,
      request: () => worker.fetch(path),
      check: (response) => response.status === 200 && response.headers.has("ratelimit") === limited,
    };
  };
  const processes: Partial<Record<Target, Process>> = {};
  try {
    // One after another: startups racing each other would mix up whose workerd is whose.
    processes.api_limiter_on = await api("real");
    processes.api_limiter_off = await api("off");
    processes.api_bare_durable_object = await api("bare");
    processes.constant = await floor("/constant", false);
    processes.bare_durable_object = await floor("/bare", false);
    processes.limiter_call = await floor("/limiter", true);
    const all = processes as Record<Target, Process>;
    for (const target of TARGETS) {
      if (all[target].pids.length === 0) throw new Error(`${target}: no workerd process of its own found`);
    }

    for (let i = 0; i < WARMUP; i++) {
      for (const target of TARGETS) await (await all[target].request()).arrayBuffer();
    }
    const latencies = Object.fromEntries(TARGETS.map((target) => [target, [] as number[]])) as Record<Target, number[]>;
    const cpuBefore = Object.fromEntries(TARGETS.map((t) => [t, workerdCpuMs(all[t].pids)])) as Record<Target, number>;
    for (let i = 0; i < SAMPLES; i++) {
      // Rotate the order so no target always follows the same one.
      for (let k = 0; k < TARGETS.length; k++) {
        const target = TARGETS[(i + k) % TARGETS.length] as Target;
        const started = performance.now();
        const response = await all[target].request();
        await response.arrayBuffer();
        const elapsed = performance.now() - started;
        if (!all[target].check(response)) throw new Error(`${target}: unexpected answer HTTP ${response.status}`);
        latencies[target].push(elapsed);
      }
    }
    const cpuMs = Object.fromEntries(
      TARGETS.map((t) => [t, (workerdCpuMs(all[t].pids) - cpuBefore[t]) / SAMPLES]),
    ) as Record<Target, number>;
    const latency = Object.fromEntries(TARGETS.map((t) => [t, summarise(latencies[t])])) as Record<Target, Summary>;

    const throughput = { limiter_on: 0, limiter_off: 0 };
    for (const [name, target] of [
      ["limiter_off", "api_limiter_off"],
      ["limiter_on", "api_limiter_on"],
    ] as const) {
      let done = 0;
      const until = performance.now() + THROUGHPUT_SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < until) {
            await (await all[target].request()).arrayBuffer();
            done++;
          }
        }),
      );
      throughput[name] = done / THROUGHPUT_SECONDS;
    }

    const added = (on: Target, off: Target) => ({
      cpu_ms: cpuMs[on] - cpuMs[off],
      p50_ms: latency[on].p50 - latency[off].p50,
      p99_ms: latency[on].p99 - latency[off].p99,
    });
    const bareInApi = added("api_bare_durable_object", "api_limiter_off");
    const inApi = added("api_limiter_on", "api_limiter_off");
    const bare = added("bare_durable_object", "constant");
    const direct = added("limiter_call", "constant");
    const ratio = (a: Added, floor: Added) => ({ cpu: a.cpu_ms / floor.cpu_ms, p50: a.p50_ms / floor.p50_ms });
    const inApiRatio = ratio(inApi, bareInApi);
    const result = {
      backend: database.backend,
      samples: SAMPLES,
      cpu_source:
        "Linux utime + stime of the workerd process running each Worker (all threads; not the dev proxy), per request",
      cpu_ms_per_request: cpuMs,
      latency_ms: latency,
      added: {
        bare_durable_object_in_api: bareInApi,
        limiter_in_api: inApi,
        bare_durable_object: bare,
        limiter_call: direct,
      },
      ratio_to_bare_call: { limiter_in_api: inApiRatio, limiter_call: ratio(direct, bare) },
      throughput_rps: { ...throughput, ratio: throughput.limiter_on / throughput.limiter_off },
      target: `what the limiter adds to an API request, CPU and p50 latency, each ≤ ${TARGET_RATIO} × what a bare Durable Object call adds there`,
      target_met: inApiRatio.cpu <= TARGET_RATIO && inApiRatio.p50 <= TARGET_RATIO,
    };
    report(result, database.backend);
    return result;
  } finally {
    await Promise.all(Object.values(processes).map((p) => p.worker.stop()));
    await database.close();
  }
}

type Added = { cpu_ms: number; p50_ms: number; p99_ms: number };

function report(
  result: {
    cpu_ms_per_request: Record<Target, number>;
    latency_ms: Record<Target, Summary>;
    added: Record<"bare_durable_object_in_api" | "limiter_in_api" | "bare_durable_object" | "limiter_call", Added>;
    ratio_to_bare_call: Record<"limiter_in_api" | "limiter_call", { cpu: number; p50: number }>;
    throughput_rps: { limiter_on: number; limiter_off: number; ratio: number };
    target_met: boolean;
  },
  backend: string,
) {
  console.log(`\nrate limiter — ${SAMPLES} interleaved samples per target, database: ${backend}`);
  for (const target of TARGETS) {
    const l = result.latency_ms[target];
    console.log(
      `  ${target.padEnd(24)} CPU ${ms(result.cpu_ms_per_request[target])}  p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}`,
    );
  }
  for (const [name, a] of Object.entries(result.added)) {
    const ratio = name.startsWith("bare") ? undefined : result.ratio_to_bare_call[name as "limiter_call"];
    console.log(
      `  added by ${name.padEnd(26)} CPU ${ms(a.cpu_ms)}  p50 ${ms(a.p50_ms)}  p99 ${ms(a.p99_ms)}` +
        (ratio ? `  (× bare call: CPU ${ratio.cpu.toFixed(2)}, p50 ${ratio.p50.toFixed(2)})` : ""),
    );
  }
  const t = result.throughput_rps;
  console.log(
    `  API throughput (${CONCURRENCY} concurrent): limiter off ${t.limiter_off.toFixed(0)} req/s, on ${t.limiter_on.toFixed(0)} req/s (ratio ${t.ratio.toFixed(3)})`,
  );
  console.log(
    `  target: the limiter adds to an API request ≤ ${TARGET_RATIO} × a bare Durable Object call's CPU and p50 — ${result.target_met ? "met" : "NOT met"}`,
  );
}
