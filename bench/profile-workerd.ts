/**
 * npm run bench:profile-workerd [-- get|list|health] — a V8 CPU profile of our Worker as workerd
 * runs it (`wrangler dev`, unminified, limiter on, access log on) under wrk load, next to one of the
 * floor Worker (bench/floor-worker/) under the same load: where the runtime's CPU goes, natives
 * (fetch, the Durable Object RPC, Response, timers, crypto) included, which the Node profile
 * (`bench:profile`) cannot show. The embedded database (PGlite) unless BENCH_DATABASE_URL names a
 * PostgreSQL. Prints the top self time per request with the source file each function came from
 * (the bundle's `// src/…` banners), and writes both .cpuprofile files to .bench/.
 *
 * The profiler is attached through wrangler's inspector proxy and samples every 100 µs, which
 * slows both Workers about twofold: read entries against each other, not as absolute costs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { startLocalDatabase } from "../neon-local/local-database";
import { DEMO_OWNER, DEMO_TENANT_ID, seedDemo } from "../scripts/db/seed";
import { mintDevToken } from "../scripts/lib/jwt";
import { assertWrkInstalled, load } from "./load";
import { FLOOR_STATEMENTS, startFloorWorker, startLocalWorker } from "./local-workers";
import { BENCH_DIR, prepareDatabase, startWorkerForProfile } from "./worker-harness";

const SECRET = "bench-secret-that-is-at-least-32-characters";
const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 6);
const OURS_PORT = 9311;
const FLOOR_PORT = 9312;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface AllocationNode {
  callFrame: CallFrame;
  selfSize: number;
  children: AllocationNode[];
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; hitCount: number }[];
  startTime: number;
  endTime: number;
  samples: number[];
}

async function main() {
  const kind = process.argv[2] ?? "get";
  assertWrkInstalled();
  const database = await startLocalDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL });
  try {
    await prepareDatabase(database);
    await seedDemo(database.ownerUrl);
    neonConfig.fetchEndpoint = database.fetchEndpoint;
    const owner = neon(database.ownerUrl);
    await owner.query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [DEMO_TENANT_ID]);
    const companies = (await owner.query(
      `INSERT INTO companies (tenant_id, name, company_number, postcode, sic_codes, status)
       SELECT $1, 'Profile Company ' || g, lpad(g::text, 8, '0'), 'EC1A 1BB', array['62012'], 'active'
         FROM generate_series(1, 60) g RETURNING id`,
      [DEMO_TENANT_ID],
    )) as { id: string }[];
    const id = companies[0]?.id;
    if (!id) throw new Error("no company");
    const token = await mintDevToken({ secret: SECRET, subject: DEMO_OWNER.subject, tenantId: DEMO_TENANT_ID });

    const ours = await startLocalWorker(() =>
      startWorkerForProfile(
        {
          ENVIRONMENT: "staging",
          LOG_LEVEL: "info",
          DATABASE_URL: database.apiUrl,
          NEON_FETCH_ENDPOINT: database.fetchEndpoint,
          JWT_SECRET: SECRET,
          // Never the bottleneck: the profile is of admitted requests.
          RATE_LIMIT_PLANS: JSON.stringify({ pro: { per_minute: 1e6, burst: 1e6 } }),
        },
        OURS_PORT,
      ),
    );
    const floor = await startLocalWorker(() =>
      startFloorWorker(
        { DATABASE_URL: database.ownerUrl, NEON_FETCH_ENDPOINT: database.fetchEndpoint, ...FLOOR_STATEMENTS },
        FLOOR_PORT,
      ),
    );
    const paths: Record<string, { ours: string; floor: string }> = {
      health: { ours: "/health", floor: "/constant" },
      get: { ours: `/v1/companies/${id}`, floor: `/companies/${id}` },
      list: { ours: "/v1/companies?sort=name&limit=50", floor: `/companies?tenant=${DEMO_TENANT_ID}` },
    };
    const path = paths[kind];
    if (!path) throw new Error(`unknown request kind ${kind}; known: ${Object.keys(paths).join(", ")}`);
    try {
      for (const [name, worker, port, target, headers] of [
        ["ours", ours, OURS_PORT, path.ours, { Authorization: `Bearer ${token}` }],
        ["floor", floor, FLOOR_PORT, path.floor, {}],
      ] as const) {
        const run = (seconds: number) =>
          load({ url: worker.url, paths: [target], headers, seconds, connections: 16, threads: 2 });
        await run(2);
        const { profile, sources, result, heapMiB, snapshot, allocations } = await profiled(port, () => run(SECONDS));
        if (result.errors > 0) throw new Error(`${name}: ${result.errors} failed requests`);
        mkdirSync(BENCH_DIR, { recursive: true });
        writeFileSync(join(BENCH_DIR, `workerd-${kind}-${name}.cpuprofile`), JSON.stringify(profile));
        writeFileSync(join(BENCH_DIR, `workerd-${kind}-${name}.heapsnapshot`), snapshot);
        report(`${name} ${kind} (${target}, heap ${heapMiB.toFixed(1)} MiB)`, profile, sources, result.requests);
        reportHeap(name, snapshot);
        reportAllocations(name, allocations.head, sources, result.requests);
      }
    } finally {
      await ours.dev.stop();
      await floor.dev.stop();
    }
  } finally {
    await database.close();
  }
}

/** Profiles the Worker behind wrangler's inspector proxy on `port` while `work` runs. */
async function profiled<T>(port: number, work: () => Promise<T>) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  // The proxy wants an Origin it trusts; Node's WebSocket (undici) takes headers as an extension.
  const socket = new WebSocket(url, { headers: { Origin: "http://localhost" } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  const scripts: { scriptId: string; url: string }[] = [];
  let collectChunk: ((chunk: string) => void) | undefined;
  socket.addEventListener("message", (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      method?: string;
      params?: { scriptId: string; url: string } | { chunk: string };
      result?: unknown;
    };
    if (message.method === "Debugger.scriptParsed" && message.params && "scriptId" in message.params)
      scripts.push(message.params);
    if (message.method === "HeapProfiler.addHeapSnapshotChunk" && message.params && "chunk" in message.params)
      collectChunk?.(message.params.chunk);
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = <R>(method: string, params: object = {}) =>
    new Promise<R>((resolve) => {
      const id = ++next;
      pending.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  // The isolate's heap: a Durable Object call costs more in a bigger one (see bench/README.md).
  const heap = await send<{ usedSize: number }>("Runtime.getHeapUsage");
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  // Every allocation's site, sampled every 4 KiB, garbage included: the scavenges (and the page
  // faults of fresh young-generation pages) each request pays grow with what it allocates.
  await send("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const result = await work();
  const { profile: allocations } = await send<{ profile: { head: AllocationNode } }>("HeapProfiler.stopSampling");
  const { profile } = await send<{ profile: CpuProfile }>("Profiler.stop");
  // What the isolate keeps alive once the load is over (the snapshot collects garbage first).
  const chunks: string[] = [];
  collectChunk = (chunk) => chunks.push(chunk);
  await send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  collectChunk = undefined;
  // Enabling the debugger replays scriptParsed for every script: the bundle's text names its files.
  await send("Debugger.enable");
  const sources = new Map<string, string[]>();
  for (const script of scripts) {
    const file = script.url.split("/").pop() ?? "";
    if (!/\.js$/.test(file) || sources.has(file)) continue;
    const { scriptSource } = await send<{ scriptSource: string }>("Debugger.getScriptSource", {
      scriptId: script.scriptId,
    });
    sources.set(file, scriptSource.split("\n"));
  }
  socket.close();
  return { profile, sources, result, heapMiB: heap.usedSize / 2 ** 20, snapshot: chunks.join(""), allocations };
}

function report(title: string, profile: CpuProfile, sources: Map<string, string[]>, requests: number) {
  const sampleMs = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const self = new Map<string, { hits: number; frame: CallFrame }>();
  let total = 0;
  for (const node of profile.nodes) {
    if (node.hitCount === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"}\0${url}\0${lineNumber}`;
    const entry = self.get(key) ?? { hits: 0, frame: node.callFrame };
    entry.hits += node.hitCount;
    self.set(key, entry);
    total += node.hitCount;
  }
  const perRequest = (hits: number) => ((hits * sampleMs) / requests).toFixed(3);
  console.log(`\n${title}: ${requests} requests, ${perRequest(total)} ms sampled per request (idle included)`);
  for (const { hits, frame } of [...self.values()].sort((a, b) => b.hits - a.hits).slice(0, 30)) {
    console.log(`  ${perRequest(hits)}  ${frame.functionName || "(anonymous)"}  ${origin(frame, sources)}`);
  }
}

/** Bytes allocated per request by the function that allocated them, largest first. */
function reportAllocations(name: string, head: AllocationNode, sources: Map<string, string[]>, requests: number) {
  const bySite = new Map<string, { bytes: number; frame: CallFrame }>();
  let total = 0;
  const walk = (node: AllocationNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}\0${url}\0${lineNumber}`;
    const entry = bySite.get(key) ?? { bytes: 0, frame: node.callFrame };
    entry.bytes += node.selfSize;
    bySite.set(key, entry);
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(head);
  console.log(`\n${name}: ${(total / requests / 1024).toFixed(1)} KiB allocated per request`);
  for (const { bytes, frame } of [...bySite.values()].sort((a, b) => b.bytes - a.bytes).slice(0, 25)) {
    const where = origin(frame, sources);
    console.log(`  ${(bytes / requests).toFixed(0).padStart(7)} B  ${frame.functionName || "(anonymous)"}  ${where}`);
  }
}

/** The live heap by node type and name (self sizes), largest first, and the largest strings. */
function reportHeap(name: string, text: string) {
  const snapshot = JSON.parse(text) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field));
  const byGroup = new Map<string, { bytes: number; count: number }>();
  const strings: { bytes: number; text: string }[] = [];
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + (typeAt ?? 0)] ?? 0] ?? "?";
    const nodeName = snapshot.strings[snapshot.nodes[i + (nameAt ?? 0)] ?? 0] ?? "";
    const bytes = snapshot.nodes[i + (sizeAt ?? 0)] ?? 0;
    total += bytes;
    const group = type === "object" || type === "closure" || type === "native" ? `${type} ${nodeName}` : type;
    const entry = byGroup.get(group) ?? { bytes: 0, count: 0 };
    entry.bytes += bytes;
    entry.count += 1;
    byGroup.set(group, entry);
    if (type === "string" || type === "concatenated string" || type === "sliced string") {
      strings.push({ bytes, text: nodeName.slice(0, 80).replace(/\s+/g, " ") });
    }
  }
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(6)} KiB`;
  console.log(`\n${name}: live heap ${kib(total)} by self size`);
  for (const [group, { bytes, count }] of [...byGroup].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 25)) {
    console.log(`  ${kib(bytes)}  ${String(count).padStart(7)}×  ${group.slice(0, 90)}`);
  }
  console.log(`  largest strings:`);
  for (const { bytes, text: head } of strings.sort((a, b) => b.bytes - a.bytes).slice(0, 12)) {
    console.log(`  ${kib(bytes)}  ${JSON.stringify(head)}`);
  }
}

/** The source file of a bundled function: the nearest `// src/…` or `// node_modules/…` banner above it. */
function origin(frame: CallFrame, sources: Map<string, string[]>): string {
  const lines = sources.get(frame.url.split("/").pop() ?? "");
  if (!lines || !frame.url) return frame.url ? frame.url : "(native)";
  for (let line = frame.lineNumber; line >= 0; line--) {
    const banner = /^\/\/ ((?:src|node_modules|bench|\.\.)\/\S+)/.exec(lines[line] ?? "");
    if (banner) return banner[1] ?? "";
  }
  return `${frame.url.split("/").pop()}:${frame.lineNumber + 1}`;
}

await main();
