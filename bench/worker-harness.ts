import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Unstable_DevWorker, unstable_dev } from "wrangler";
import type { LocalDatabase } from "../neon-local/local-database";
import { installAssertionKey } from "../scripts/db/assertion-key";
import { applyMigrations } from "../scripts/db/migrate";
import { ROOT } from "../scripts/lib/dev-vars";

export const BENCH_DIR = join(ROOT, ".bench");
/** The Worker's DATABASE_ASSERTION_KEY in every bench; installed by `prepareDatabase`. */
export const BENCH_ASSERTION_KEY = "bench-database-assertion-key-of-32-chars-or-more";

/** Migrates the benchmark's database and installs the Worker's assertion key in it. */
export async function prepareDatabase(database: LocalDatabase): Promise<void> {
  const owner = { connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint };
  await applyMigrations(owner, () => {});
  await installAssertionKey(owner, BENCH_ASSERTION_KEY);
}

/**
 * The Worker as `wrangler dev` runs it (workerd, its Durable Object, wrangler.toml), with the
 * given vars on top; requests go over local HTTP like a client's.
 */
export function startWorker(vars: Record<string, string>): Promise<Unstable_DevWorker> {
  return startScript(join(ROOT, "src/index.ts"), join(ROOT, "wrangler.toml"), {
    DATABASE_ASSERTION_KEY: BENCH_ASSERTION_KEY,
    ...vars,
  });
}

/**
 * The bench-only Worker of bench/durable-object-floor/ (a constant answer, a no-op Durable
 * Object call, a limiter call), on the same runtime and settings as the API.
 */
export function startFloorWorker(): Promise<Unstable_DevWorker> {
  const dir = join(ROOT, "bench/durable-object-floor");
  return startScript(join(dir, "worker.ts"), join(dir, "wrangler.toml"), {});
}

/**
 * The API as `startWorker` runs it, with its RATE_LIMITER binding pointed at a Durable Object that
 * does nothing (bench/durable-object-floor/api-with-bare-limiter.ts). Its configuration
 * is wrangler.toml's own top level with that one binding changed, written to .bench/.
 */
export function startWorkerWithBareLimiter(vars: Record<string, string>): Promise<Unstable_DevWorker> {
  const entry = join(ROOT, "bench/durable-object-floor/api-with-bare-limiter.ts");
  const binding = /(name = "RATE_LIMITER"\nclass_name = )"TenantRateLimiter"/;
  const config = derivedConfig("api-with-bare-limiter", entry, (toml) => {
    if (!binding.test(toml)) throw new Error("wrangler.toml: RATE_LIMITER binding not found");
    return `${toml.replace(binding, '$1"BareLimiter"')}\n[[migrations]]\ntag = "bench-bare-limiter"\nnew_sqlite_classes = ["BareLimiter"]\n`;
  });
  return startScript(entry, config, { DATABASE_ASSERTION_KEY: BENCH_ASSERTION_KEY, ...vars });
}

/**
 * The API as `startWorker` runs it, unminified (its functions keep their names in a profile), with
 * wrangler's inspector proxy on `inspectorPort` (bench/profile-workerd.ts).
 */
export function startWorkerForProfile(
  vars: Record<string, string>,
  inspectorPort: number,
): Promise<Unstable_DevWorker> {
  const entry = join(ROOT, "src/index.ts");
  const config = derivedConfig("profile", entry, (toml) => toml.replace(/^minify = true$/m, "minify = false"));
  return startScript(entry, config, { DATABASE_ASSERTION_KEY: BENCH_ASSERTION_KEY, ...vars }, inspectorPort);
}

/**
 * wrangler.toml's top level (no [env.*]) with `main` set to `entry` and `edit` applied, written to
 * .bench/<name>.wrangler.toml; relative paths (the static assets) are made absolute, as the file
 * now lives in .bench/.
 */
function derivedConfig(name: string, entry: string, edit: (toml: string) => string): string {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const topLevel = toml.slice(0, toml.search(/^\[env\./m));
  const config = edit(
    topLevel
      .replace(/^main = .*$/m, `main = ${JSON.stringify(entry)}`)
      .replace(/^directory = "(\.\/[^"]*)"$/m, (_, dir: string) => `directory = ${JSON.stringify(join(ROOT, dir))}`),
  );
  mkdirSync(BENCH_DIR, { recursive: true });
  const path = join(BENCH_DIR, `${name}.wrangler.toml`);
  writeFileSync(path, config);
  return path;
}

/** One Worker under wrangler's `unstable_dev`, as every bench starts them (local-workers.ts too). */
export function startScript(
  script: string,
  config: string,
  vars: Record<string, string>,
  inspectorPort?: number,
): Promise<Unstable_DevWorker> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  process.env.WRANGLER_SEND_METRICS = "false";
  // wrangler dev attaches miniflare's trace collector (the local explorer's traces) to every Worker
  // as a streaming tail consumer in the same workerd process: it writes each invocation's spans and
  // logs to SQLite, ~1 ms of CPU per request that production never charges to a Worker, and more
  // for a Worker with more spans. Off, the process's CPU is the Workers' own (bench/README.md).
  process.env.X_LOCAL_OBSERVABILITY = "false";
  return unstable_dev(script, {
    config,
    vars,
    ip: "127.0.0.1",
    logLevel: "error",
    persist: false,
    envFiles: [],
    ...(inspectorPort ? { inspectorPort } : {}),
    experimental: { disableExperimentalWarning: true, disableDevRegistry: true },
  });
}
