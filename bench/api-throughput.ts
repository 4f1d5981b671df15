/**
 * Scenario: throughput and CPU per request of a list (`sort=name`, 50) and a get on 1,000,000
 * companies in 20 tenants (PostgreSQL at PG_URL), through our Worker with the limiter on and off,
 * against the minimal Worker of bench/floor-worker on the same runtime, driver and Durable Object
 * machinery (issue 12, points 2, 5 and 6). Production settings: access log on (LOG_LEVEL=info).
 *
 * Load: wrk from its own process, fixed concurrency, straight at each Worker's workerd; targets
 * interleaved (A B C … A B C …) so the machine's noise hits all of them alike; each measured run
 * follows a short warm-up run of the same target.
 *
 * CPU: local workerd has no CPU accounting of its own (its trace events carry cpuTime = 0; wrangler's
 * logs carry wall time only), so CPU is the kernel's utime + stime of each process over the
 * measured run (/proc), divided by the requests wrk completed, with nothing subtracted:
 * - workerd: the process that runs the Worker and its Durable Objects (wrangler's dev proxy is
 *   bypassed and not counted);
 * - neon_local: the local Neon server, in a process of its own;
 * - postgres: the backends of the bench's database (other databases' backends are not counted);
 * - wrangler_node: the bench's own process, where wrangler reads workerd's log output.
 *
 * Postgres against pgbench (point 4): each round, one get and one list are recorded by the local
 * Neon server as Postgres received them (BEGIN, app.begin_request with its real signed assertion,
 * the route's select, COMMIT) and replayed by pgbench on as many connections as the local server
 * keeps per role (bench/pgbench-replay.ts says how and why -M extended); the ratio is our Postgres
 * CPU per request over pgbench's per transaction. The gap is what the path adds: how the local
 * server's pool reuses connections (it resets no session here, as Neon's proxy resets none).
 * Each replay runs twice: as fast as pgbench goes (its backends never sleep), and paced at the
 * requests per second our target made in that round (`--rate`; `*_at_our_rate`), where its
 * backends are woken per transaction as ours are. The second compares the same work at the same load.
 */
import pg from "pg";
import { DEFAULT_CONNECTIONS_PER_USER } from "../neon-local/postgres-backend";
import type { RecordedRequest } from "../neon-local/stats";
import { mintDevToken } from "../scripts/lib/jwt";
import { measureBundle } from "./bundle";

/** Our column list as SQL text, for the floor Worker's statements. */

import { freshPostgres } from "./fresh-postgres";
import { assertWrkInstalled, type LoadResult, load } from "./load";
import { FLOOR_STATEMENTS, type LocalWorker, startFloorWorker, startLocalWorker } from "./local-workers";
import { startNeonLocalProcess } from "./neon-local-process";
import { pgbenchScript, type ReplayResult, replayWithPgbench } from "./pgbench-replay";
import { processCpuMs, threadCpuMs } from "./process-cpu";
import { seedCompanies, seedOwner } from "./seed-companies";
import { startWorker, startWorkerWithBareLimiter } from "./worker-harness";

const SECRET = "bench-secret-that-is-at-least-32-characters";
const TENANTS = 20;
const PER_TENANT = Number(process.env.BENCH_COMPANIES_PER_TENANT ?? 50_000);
const SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WRK_THREADS = 2;
const WARMUP_SECONDS = 1;
const GET_IDS = 1000;
const LIST_PATH = "/v1/companies?sort=name&limit=50";

type Process = "workerd" | "workerd_main_thread" | "neon_local" | "postgres" | "wrangler_node";
const PROCESSES: Process[] = ["workerd", "workerd_main_thread", "neon_local", "postgres", "wrangler_node"];

interface Target {
  name: string;
  worker: LocalWorker;
  paths: string[];
  headers: Record<string, string>;
  /** What a correct answer looks like: checked once before the load. */
  check(response: Response, body: unknown): string | null;
}

interface Run extends LoadResult {
  cpu_ms: Record<Process, number>;
}

type Bundle = Awaited<ReturnType<typeof measureBundle>> | { error: string };

/** The replayed requests: our target whose Postgres CPU is compared, and the path replayed. */
const REPLAYS = { get: "get", list: "list" } as const;
type Replayed = keyof typeof REPLAYS;
/** Each replay twice: as fast as pgbench goes, and paced at the rate our target ran in that round. */
type Replay = Replayed | `${Replayed}_at_our_rate`;
const REPLAY_KEYS = ["get", "list", "get_at_our_rate", "list_at_our_rate"] as const satisfies readonly Replay[];

export async function apiThroughputScenario(): Promise<Record<string, unknown>> {
  assertWrkInstalled();
  // wrangler's start-up profile gives up after 10 s on a loaded machine: the throughput still counts.
  const bundle: Bundle = await measureBundle().catch((error: unknown) => ({
    error: String(error instanceof Error ? error.message : error).split("\n")[0] ?? "failed",
  }));
  const { databaseUrl, database, drop } = await freshPostgres("throughput");
  const stops: (() => Promise<void>)[] = [];
  const monitor = new pg.Client({ connectionString: databaseUrl });
  try {
    const seeding = performance.now();
    await monitor.connect();
    const tenantIds = await seedCompanies(monitor, TENANTS, PER_TENANT);
    const tenantId = tenantIds[0];
    if (!tenantId) throw new Error("no tenant");
    await seedOwner(monitor, tenantId, "bench|owner");
    const { rows: idRows } = await monitor.query<{ id: string }>(
      "SELECT id FROM companies WHERE tenant_id = $1 ORDER BY random() LIMIT $2",
      [tenantId, GET_IDS],
    );
    const ids = idRows.map((row) => row.id);
    const seedSeconds = (performance.now() - seeding) / 1000;
    console.log(
      `\napi throughput — ${TENANTS * PER_TENANT} companies in ${TENANTS} tenants seeded in ${seedSeconds.toFixed(1)} s`,
    );

    // Sessions kept as Neon's proxy keeps them: the local server's reset is not production work.
    const neonLocal = await startNeonLocalProcess(databaseUrl, { record: true, keepSessions: true });
    stops.push(neonLocal.stop);
    // The bare limiter's constant decision names the pro plan: the tenant has it, so the API has
    // nothing to teach either limiter.
    await monitor.query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [tenantId]);
    const vars = (limiter: boolean) => ({
      ENVIRONMENT: "staging",
      LOG_LEVEL: "info",
      DATABASE_URL: database.apiUrl,
      NEON_FETCH_ENDPOINT: neonLocal.fetchEndpoint,
      JWT_SECRET: SECRET,
      RATE_LIMIT_ENABLED: String(limiter),
      // Never the bottleneck: the bench measures the limiter's cost, not its refusals.
      RATE_LIMIT_PLANS: JSON.stringify(
        Object.fromEntries(
          ["free", "pro", "enterprise", "anonymous"].map((plan) => [plan, { per_minute: 1e6, burst: 1e6 }]),
        ),
      ),
    });
    const ours = (limiter: boolean) => () => startWorker(vars(limiter));
    const workers: Record<Workers, LocalWorker> = {
      on: await startLocalWorker(ours(true)),
      off: await startLocalWorker(ours(false)),
      // The API whose limiter binding is a Durable Object that admits without deciding: the same
      // path, stub and RPC, minus the decision (bench/durable-object-floor/).
      bare: await startLocalWorker(() => startWorkerWithBareLimiter(vars(true))),
      floor: await startLocalWorker(() =>
        startFloorWorker({
          DATABASE_URL: database.ownerUrl,
          NEON_FETCH_ENDPOINT: neonLocal.fetchEndpoint,
          ...FLOOR_STATEMENTS,
        }),
      ),
    };
    for (const worker of Object.values(workers)) stops.push(() => worker.dev.stop());

    const token = await mintDevToken({ secret: SECRET, subject: "bench|owner", tenantId });
    const auth = { Authorization: `Bearer ${token}` };
    const targets = buildTargets(workers, ids, tenantId, auth);
    for (const target of targets) await checkTarget(target);

    for (const target of targets) await measure(target, WARMUP_SECONDS * 2, neonLocal.pid, monitor);
    const runs: Record<string, Run[]> = Object.fromEntries(targets.map((target) => [target.name, []]));
    const replays: Record<Replay, ReplayResult[]> = { get: [], list: [], get_at_our_rate: [], list_at_our_rate: [] };
    const replay = replayer(workers.on, neonLocal.fetchEndpoint, databaseUrl, monitor, {
      get: `/v1/companies/${ids[0]}`,
      list: LIST_PATH,
    });
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        await measure(target, WARMUP_SECONDS, neonLocal.pid, monitor);
        runs[target.name]?.push(await measure(target, SECONDS, neonLocal.pid, monitor));
      }
      for (const name of Object.keys(REPLAYS) as Replayed[]) {
        const rate = runs[REPLAYS[name]]?.[round]?.requests_per_second;
        const { saturated, paced } = await replay(name, round, auth, rate);
        replays[name].push(saturated);
        replays[`${name}_at_our_rate`].push(paced);
      }
      console.log(`  round ${round + 1}/${ROUNDS} done`);
    }

    const summary = Object.fromEntries(targets.map((target) => [target.name, summariseRuns(runs[target.name] ?? [])]));
    const pgbench = Object.fromEntries(REPLAY_KEYS.map((key) => [key, summariseReplays(replays[key])])) as Record<
      Replay,
      ReplaySummary
    >;
    const ratios = ratiosOf((name) => summary[name], pgbench);
    const ratiosByRound = Array.from({ length: ROUNDS }, (_, round) => {
      const replayed = Object.fromEntries(
        REPLAY_KEYS.map((key) => [key, summariseReplays(replays[key].slice(round, round + 1))]),
      ) as Record<Replay, ReplaySummary>;
      return ratiosOf((name) => {
        const run = runs[name]?.[round];
        return run ? summariseRuns([run]) : undefined;
      }, replayed);
    });
    report(summary, pgbench, ratios, ratiosByRound, bundle);
    return {
      rows: TENANTS * PER_TENANT,
      tenants: TENANTS,
      seed_seconds: Math.round(seedSeconds * 10) / 10,
      load: { tool: "wrk", threads: WRK_THREADS, connections: CONNECTIONS, seconds_per_run: SECONDS, rounds: ROUNDS },
      cpu_source:
        "kernel utime+stime per process over each measured run (/proc/<pid>/stat); workerd reports cpuTime 0 locally",
      targets: summary,
      pgbench: {
        mode: "extended",
        clients: DEFAULT_CONNECTIONS_PER_USER,
        seconds_per_run: SECONDS,
        rounds: ROUNDS,
        ...pgbench,
      },
      ratios,
      ratios_by_round: ratiosByRound,
      // One disturbed round moves the whole run's figure; the median of the rounds' does not.
      ratios_median_of_rounds: Object.fromEntries(
        Object.keys(ratios).map((name) => [name, median(ratiosByRound.map((byRound) => byRound[name] ?? Number.NaN))]),
      ),
      goals: {
        health_vs_constant: 1.2,
        get_vs_floor: 1.25,
        list_vs_floor: 1.1,
        postgres_get_vs_pgbench: 1.2,
        postgres_list_vs_pgbench: 1.2,
        postgres_get_vs_pgbench_at_our_rate: 1.2,
        postgres_list_vs_pgbench_at_our_rate: 1.2,
      },
      bundle,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await monitor.end().catch(() => {});
    await drop();
  }
}

type Workers = "on" | "off" | "bare" | "floor";

function buildTargets(
  workers: Record<Workers, LocalWorker>,
  ids: string[],
  tenantId: string,
  auth: Record<string, string>,
): Target[] {
  const items = (count: number) => (response: Response, body: unknown) => {
    const got = (body as { items?: unknown[] }).items?.length;
    return response.status === 200 && got === count ? null : `HTTP ${response.status}, ${got} items`;
  };
  const limited = (on: boolean, inner: Target["check"]) => (response: Response, body: unknown) =>
    // A limiter that failed open (or one left on) would make the comparison meaningless.
    response.headers.has("ratelimit") !== on ? `RateLimit header ${on ? "missing" : "present"}` : inner(response, body);
  const ok = (response: Response) => (response.status === 200 ? null : `HTTP ${response.status}`);
  const getPaths = (prefix: string) => ids.map((id) => `${prefix}/${id}`);
  return [
    { name: "health", worker: workers.on, paths: ["/health"], headers: {}, check: ok },
    { name: "constant_floor", worker: workers.floor, paths: ["/constant"], headers: {}, check: ok },
    {
      name: "get",
      worker: workers.on,
      paths: getPaths("/v1/companies"),
      headers: auth,
      check: limited(true, ok),
    },
    {
      name: "get_limiter_off",
      worker: workers.off,
      paths: getPaths("/v1/companies"),
      headers: auth,
      check: limited(false, ok),
    },
    {
      name: "get_bare_limiter",
      worker: workers.bare,
      paths: getPaths("/v1/companies"),
      headers: auth,
      check: limited(true, ok),
    },
    { name: "get_floor", worker: workers.floor, paths: getPaths("/companies"), headers: auth, check: items(1) },
    { name: "list", worker: workers.on, paths: [LIST_PATH], headers: auth, check: limited(true, items(50)) },
    {
      name: "list_limiter_off",
      worker: workers.off,
      paths: [LIST_PATH],
      headers: auth,
      check: limited(false, items(50)),
    },
    {
      name: "list_bare_limiter",
      worker: workers.bare,
      paths: [LIST_PATH],
      headers: auth,
      check: limited(true, items(50)),
    },
    {
      name: "list_floor",
      worker: workers.floor,
      paths: [`/companies?tenant=${tenantId}`],
      headers: auth,
      check: items(51),
    },
  ];
}

/**
 * Sends one request of a replayed kind through our Worker with a request id of its own, takes
 * the statements the local Neon server recorded for it and replays them with pgbench (freshly
 * signed each round: begin_request refuses assertions older than a minute), as fast as it goes
 * and then at `rate` (our target's requests per second in the round).
 */
function replayer(
  worker: LocalWorker,
  fetchEndpoint: string,
  databaseUrl: string,
  monitor: pg.Client,
  paths: Record<Replayed, string>,
) {
  // The role the API's statements run as, straight to Postgres.
  const url = Object.assign(new URL(databaseUrl), { username: "app_api", password: "" }).toString();
  return async (
    name: Replayed,
    round: number,
    auth: Record<string, string>,
    rate: number | undefined,
  ): Promise<{ saturated: ReplayResult; paced: ReplayResult }> => {
    const requestId = `bench-replay-${name}-${round}-${Date.now()}`;
    const response = await fetch(`${worker.url}${paths[name]}`, { headers: { ...auth, "X-Request-Id": requestId } });
    if (response.status !== 200) throw new Error(`replay ${name}: HTTP ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
    const recorded = await fetch(new URL(`/__recorded?request_id=${requestId}`, fetchEndpoint));
    if (recorded.status !== 200) throw new Error(`replay ${name}: nothing recorded for ${requestId}`);
    if (!rate) throw new Error(`replay ${name}: no request rate of ours to pace it at`);
    const options = {
      url,
      script: pgbenchScript((await recorded.json()) as RecordedRequest),
      clients: DEFAULT_CONNECTIONS_PER_USER,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      monitor,
    };
    return {
      saturated: await replayWithPgbench(options),
      paced: await replayWithPgbench({ ...options, ratePerSecond: rate }),
    };
  };
}

export interface ReplaySummary {
  transactions: number;
  transactions_per_second: number;
  postgres_cpu_ms_per_transaction: number;
}

function summariseReplays(replays: ReplayResult[]): ReplaySummary {
  const transactions = replays.reduce((sum, replay) => sum + replay.transactions, 0);
  const cpu = replays.reduce((sum, replay) => sum + replay.postgres_cpu_ms, 0);
  return {
    transactions,
    transactions_per_second: round(transactions / (replays.length * SECONDS), 1),
    postgres_cpu_ms_per_transaction: round(cpu / transactions, 3),
  };
}

async function checkTarget(target: Target): Promise<void> {
  const response = await fetch(`${target.worker.url}${target.paths[0]}`, { headers: target.headers });
  const text = await response.text();
  const body: unknown = text.startsWith("{") ? JSON.parse(text) : text;
  const problem = target.check(response, body);
  if (problem) throw new Error(`${target.name}: ${problem}: ${text.slice(0, 300)}`);
}

/** CPU used so far by the bench database's backends, per backend pid. */
async function backendsCpu(monitor: pg.Client): Promise<Map<number, number>> {
  const { rows } = await monitor.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
  );
  return new Map(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
}

async function measure(target: Target, seconds: number, neonPid: number, monitor: pg.Client): Promise<Run> {
  const { pid } = target.worker;
  const cpuNow = async () => ({
    workerd: processCpuMs(pid),
    workerd_main_thread: threadCpuMs(pid, pid),
    neon_local: processCpuMs(neonPid),
    postgres: await backendsCpu(monitor),
    wrangler_node: process.cpuUsage(),
  });
  const before = await cpuNow();
  const result = await load({
    url: target.worker.url,
    paths: target.paths,
    headers: target.headers,
    seconds,
    connections: CONNECTIONS,
    threads: WRK_THREADS,
  });
  const after = await cpuNow();
  if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} failed requests of ${result.requests}`);
  let postgres = 0;
  // Backends that connected during the run count from zero; any that left during it are lost.
  for (const [backend, cpu] of after.postgres) postgres += cpu - (before.postgres.get(backend) ?? 0);
  const self = process.cpuUsage(before.wrangler_node);
  return {
    ...result,
    cpu_ms: {
      workerd: after.workerd - before.workerd,
      workerd_main_thread: after.workerd_main_thread - before.workerd_main_thread,
      neon_local: after.neon_local - before.neon_local,
      postgres,
      wrangler_node: (self.user + self.system) / 1000,
    },
  };
}

export interface TargetSummary {
  requests: number;
  requests_per_second: number;
  /** Medians over the rounds. */
  p50_ms: number;
  p99_ms: number;
  cpu_ms_per_request: Record<Process, number>;
}

function summariseRuns(runs: Run[]): TargetSummary {
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const cpu = (name: Process) => runs.reduce((sum, run) => sum + run.cpu_ms[name], 0) / requests;
  return {
    requests,
    requests_per_second: round(requests / seconds, 1),
    p50_ms: round(median(runs.map((run) => run.p50_ms)), 2),
    p99_ms: round(median(runs.map((run) => run.p99_ms)), 2),
    cpu_ms_per_request: Object.fromEntries(PROCESSES.map((name) => [name, round(cpu(name), 3)])) as Record<
      Process,
      number
    >,
  };
}

/**
 * The ratios: Worker CPU per request (workerd: isolate and Durable Object together), and
 * Postgres CPU per request against pgbench's per transaction of the same statements.
 */
function ratiosOf(
  of: (name: string) => TargetSummary | undefined,
  pgbench: Record<Replay, ReplaySummary>,
): Record<string, number> {
  const cpu = (name: string) => of(name)?.cpu_ms_per_request.workerd ?? Number.NaN;
  const postgres = (name: Replayed, replay: Replay) =>
    (of(REPLAYS[name])?.cpu_ms_per_request.postgres ?? Number.NaN) / pgbench[replay].postgres_cpu_ms_per_transaction;
  const rps = (name: string) => of(name)?.requests_per_second ?? Number.NaN;
  const p50 = (name: string) => of(name)?.p50_ms ?? Number.NaN;
  return {
    health_vs_constant: round(cpu("health") / cpu("constant_floor"), 2),
    get_vs_floor: round(cpu("get") / cpu("get_floor"), 2),
    list_vs_floor: round(cpu("list") / cpu("list_floor"), 2),
    get_limiter_off_vs_floor: round(cpu("get_limiter_off") / cpu("get_floor"), 2),
    list_limiter_off_vs_floor: round(cpu("list_limiter_off") / cpu("list_floor"), 2),
    get_limiter_on_vs_off_cpu: round(cpu("get") / cpu("get_limiter_off"), 2),
    list_limiter_on_vs_off_cpu: round(cpu("list") / cpu("list_limiter_off"), 2),
    // What the decision costs over a call that makes none, and what that call costs over no call.
    get_limiter_vs_bare_cpu: round(cpu("get") / cpu("get_bare_limiter"), 2),
    list_limiter_vs_bare_cpu: round(cpu("list") / cpu("list_bare_limiter"), 2),
    get_bare_vs_off_cpu: round(cpu("get_bare_limiter") / cpu("get_limiter_off"), 2),
    get_limiter_on_vs_off_rps: round(rps("get") / rps("get_limiter_off"), 2),
    list_limiter_on_vs_off_rps: round(rps("list") / rps("list_limiter_off"), 2),
    get_limiter_on_vs_off_p50: round(p50("get") / p50("get_limiter_off"), 2),
    list_limiter_on_vs_off_p50: round(p50("list") / p50("list_limiter_off"), 2),
    postgres_get_vs_pgbench: round(postgres("get", "get"), 2),
    postgres_list_vs_pgbench: round(postgres("list", "list"), 2),
    postgres_get_vs_pgbench_at_our_rate: round(postgres("get", "get_at_our_rate"), 2),
    postgres_list_vs_pgbench_at_our_rate: round(postgres("list", "list_at_our_rate"), 2),
  };
}

function report(
  summary: Record<string, TargetSummary>,
  pgbench: Record<Replay, ReplaySummary>,
  ratios: Record<string, number>,
  byRound: Record<string, number>[],
  bundle: Bundle,
) {
  console.log(
    `  ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s per target; CPU ms per request (kernel accounting, /proc)`,
  );
  console.table(
    Object.fromEntries([
      ...Object.entries(summary).map(([name, s]) => [
        name,
        {
          "req/s": s.requests_per_second,
          "p50 ms": s.p50_ms,
          "p99 ms": s.p99_ms,
          workerd: s.cpu_ms_per_request.workerd,
          "(main thread)": s.cpu_ms_per_request.workerd_main_thread,
          "neon-local": s.cpu_ms_per_request.neon_local,
          postgres: s.cpu_ms_per_request.postgres,
          "wrangler (node)": s.cpu_ms_per_request.wrangler_node,
        },
      ]),
      ...Object.entries(pgbench).map(([name, replay]) => [
        `pgbench: ${name}`,
        { "req/s": replay.transactions_per_second, postgres: replay.postgres_cpu_ms_per_transaction },
      ]),
    ]),
  );
  const spread = (name: string) => {
    const values = byRound.map((ratios) => ratios[name] ?? Number.NaN);
    return `median ${median(values).toFixed(2)}, ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  };
  console.log("  ratios (whole run; over rounds: median, min–max):");
  for (const [name, value] of Object.entries(ratios)) console.log(`    ${name.padEnd(36)} ${value}  (${spread(name)})`);
  console.log(
    "error" in bundle
      ? `  bundle not measured: ${bundle.error}`
      : `  bundle ${bundle.gzip_kib} KiB gzip -9 (wrangler: ${bundle.wrangler_gzip_kib} KiB gzip; ${bundle.bytes} bytes), ` +
          `start-up ${bundle.startup_ms} ms CPU (wrangler check startup)`,
  );
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
