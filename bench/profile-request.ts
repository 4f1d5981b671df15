/**
 * npm run bench:profile [-- get|list|health] — a V8 CPU profile of the Worker's own code for one
 * kind of request, under Node (the app is plain Hono): createApp().fetch() against a real
 * PostgreSQL (PG_URL) behind the local Neon server, with an always-admitting limiter in place of
 * the Durable Object. Prints the top functions by self time, leaving out the local Neon server,
 * pg and idle time (which share the process), and writes the .cpuprofile to .bench/ for
 * Chrome DevTools or speedscope. BENCH_PROFILE_REPLAY=1 answers every round trip with the bytes
 * the local Neon server gave the warm-up's last one, so the profile holds the Worker's code
 * alone (driver, app, Hono), without the server and pg sharing the process.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { neon } from "@neondatabase/serverless";
import { mintDevToken } from "../scripts/lib/jwt";
import type { Decision } from "../src/rate-limit/decision";
import { freshPostgres } from "./fresh-postgres";
import { BENCH_ASSERTION_KEY, BENCH_DIR } from "./worker-harness";

const SECRET = "bench-secret-that-is-at-least-32-characters";
const REQUESTS = Number(process.env.BENCH_PROFILE_REQUESTS ?? 2000);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

const allow: Decision = {
  allowed: true,
  policy: "pro",
  planKnown: true,
  // The seeded pro plan's limits, so the API never needs to teach them.
  planLimits: { perMinute: 1200, burst: 300 },
  burst: 1000,
  perMinute: 1000,
  remaining: 999,
  resetSeconds: 1,
  retryAfterSeconds: 0,
};

/** A limiter namespace whose objects always admit: the profile is of the Worker, not the DO. */
const limiterNamespace = {
  idFromName: (name: string) => ({ name }),
  get: () => ({
    consume: async () => allow,
    refund: async () => {},
    setPlan: async () => {},
    peek: async () => ({ plan: "pro", remaining: 999, policy: { burst: 1000, perMinute: 1000 }, unflushedRequests: 0 }),
  }),
};

function summarise(nodes: ProfileNode[], intervalUs: number) {
  const self = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    if (node.hitCount === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\/.*?\/(node_modules|src|scripts)\//, "$1/");
    const key = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + node.hitCount);
    total += node.hitCount;
  }
  return { total, intervalUs, top: [...self.entries()].sort((a, b) => b[1] - a[1]) };
}

async function main() {
  const kind = process.argv[2] ?? "get";
  const { database, drop } = await freshPostgres("profile");
  const sql = neon(database.ownerUrl);
  const [tenant] = (await sql.query(
    `WITH t AS (INSERT INTO tenants (slug, name, plan) VALUES ('profile', 'Profile', 'pro') RETURNING id),
          u AS (INSERT INTO users (subject) VALUES ('profile|owner') RETURNING id),
          m AS (INSERT INTO memberships (tenant_id, user_id, role) SELECT t.id, u.id, 'owner' FROM t, u)
     SELECT id FROM t`,
  )) as { id: string }[];
  if (!tenant) throw new Error("no tenant");
  const companies = (await sql.query(
    `INSERT INTO companies (tenant_id, name, company_number, postcode, sic_codes, status)
     SELECT $1, 'Profile Company ' || g, lpad(g::text, 8, '0'), 'EC1A 1BB', array['62012'], 'active'
       FROM generate_series(1, 200) g RETURNING id`,
    [tenant.id],
  )) as { id: string }[];
  const token = await mintDevToken({ secret: SECRET, subject: "profile|owner", tenantId: tenant.id });
  const env: Record<string, unknown> = {
    ENVIRONMENT: "test",
    LOG_LEVEL: "info",
    DATABASE_URL: database.apiUrl,
    NEON_FETCH_ENDPOINT: database.fetchEndpoint,
    DATABASE_ASSERTION_KEY: BENCH_ASSERTION_KEY,
    JWT_SECRET: SECRET,
    RATE_LIMITER: limiterNamespace,
  };
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
  // Imported by a computed name, like the bindings typed loosely above: the app's types reach the
  // Durable Object classes, which need the Workers runtime's declarations this Node program lacks.
  const appModule = "../src/app";
  const { createApp } = (await import(appModule)) as {
    createApp: () => { fetch(request: Request, env: object, ctx: object): Promise<Response> };
  };
  const app = createApp();
  const paths: Record<string, () => string> = {
    health: () => "/health",
    get: () => `/v1/companies/${companies[Math.floor(Math.random() * companies.length)]?.id}`,
    list: () => "/v1/companies?sort=name&limit=50",
  };
  const path = paths[kind];
  if (!path) throw new Error(`unknown request kind ${kind}; known: ${Object.keys(paths).join(", ")}`);
  const send = async () => {
    const response = await app.fetch(
      new Request(`https://api.detecktiv.test${path()}`, { headers: { authorization: `Bearer ${token}` } }),
      env,
      ctx,
    );
    if (response.status !== 200) throw new Error(`${kind}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  const replay = process.env.BENCH_PROFILE_REPLAY === "1";
  const realFetch = globalThis.fetch;
  let recorded: { body: ArrayBuffer; status: number; headers: [string, string][] } | undefined;
  globalThis.fetch = async (input, init) => {
    if (!String(input).startsWith(database.fetchEndpoint)) return realFetch(input, init);
    if (replay && recorded) return new Response(recorded.body, { status: recorded.status, headers: recorded.headers });
    const response = await realFetch(input, init);
    const body = await response.arrayBuffer();
    recorded = { body, status: response.status, headers: [...response.headers] };
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const log = console.log;
  console.log = () => {}; // the access log line is built (its cost counts) but not printed
  try {
    for (let i = 0; i < 200; i++) await send(); // warm-up
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
    const started = performance.now();
    for (let i = 0; i < REQUESTS; i++) await send();
    const elapsed = performance.now() - started;
    const { profile } = await session.post("Profiler.stop");
    globalThis.fetch = realFetch;
    session.disconnect();
    console.log = log;
    mkdirSync(BENCH_DIR, { recursive: true });
    const file = join(BENCH_DIR, `profile-${kind}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const { total, top } = summarise(profile.nodes as ProfileNode[], 100);
    const msPerRequest = (hits: number) => ((hits * 0.1) / REQUESTS).toFixed(3);
    console.log(
      `\n${kind}: ${REQUESTS} requests in ${elapsed.toFixed(0)} ms; ${msPerRequest(total)} ms sampled per request (whole process)`,
    );
    const ours = top.filter(
      ([key]) =>
        !/scripts\/neon-local|node_modules\/pg|node_modules\/@electric-sql|\(idle\)|\(program\)|\(garbage collector\)/.test(
          key,
        ),
    );
    console.log("top self time outside the local Neon server and idle (ms per request):");
    for (const [key, hits] of ours.slice(0, 30)) console.log(`  ${msPerRequest(hits).padStart(7)}  ${key}`);
    const byFile = new Map<string, number>();
    for (const [key, hits] of ours) {
      const where = key.slice(key.lastIndexOf(" ") + 1).replace(/:\d+$/, "");
      byFile.set(where, (byFile.get(where) ?? 0) + hits);
    }
    console.log("self time by file (ms per request):");
    for (const [where, hits] of [...byFile.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20))
      console.log(`  ${msPerRequest(hits).padStart(7)}  ${where}`);
    console.log(`profile: ${file}`);
  } finally {
    console.log = log;
    await drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
