/**
 * The deployed Worker's size and start-up cost (issue 12, point 6): the bundle of
 * `wrangler deploy --dry-run --outdir` (production environment), its gzip -9 size, and
 * `wrangler check startup`'s CPU profile of the script's start-up on local workerd (the median
 * of STARTUP_RUNS profiles: on a busy machine one profile can take twice as long as another).
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { ROOT } from "../scripts/lib/dev-vars";
import { BENCH_DIR } from "./worker-harness";

const run = promisify(execFile);
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const STARTUP_RUNS = 3;

export interface BundleFigures {
  bytes: number;
  gzip_bytes: number;
  gzip_kib: number;
  /** wrangler's own figure ("Total Upload: … / gzip: … KiB"), at its compression level. */
  wrangler_gzip_kib: number;
  /** Start-up CPU on local workerd: the busy samples of the start-up profile, in ms (median). */
  startup_ms: number;
  startup_runs_ms: number[];
  startup_profile: string;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

export async function measureBundle(): Promise<BundleFigures> {
  const outdir = join(BENCH_DIR, "bundle");
  rmSync(outdir, { recursive: true, force: true });
  const upload = join(outdir, "worker.bundle"); // the form `wrangler check startup --worker` reads
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const { stdout } = await run(
    WRANGLER,
    ["deploy", "--dry-run", "--outdir", outdir, "--outfile", upload, "--env", "production"],
    { cwd: ROOT, env },
  );
  const bundle = readFileSync(join(outdir, "index.js"));
  const gzipBytes = gzipSync(bundle, { level: 9 }).length;

  const profilePath = join(BENCH_DIR, "worker-startup.cpuprofile");
  const startups: number[] = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    await run(WRANGLER, ["check", "startup", "--worker", upload, "--outfile", profilePath], { cwd: ROOT, env });
    startups.push(Math.round(busyMs(JSON.parse(readFileSync(profilePath, "utf8")) as CpuProfile) * 10) / 10);
  }
  return {
    bytes: bundle.length,
    gzip_bytes: gzipBytes,
    gzip_kib: Math.round((gzipBytes / 1024) * 10) / 10,
    wrangler_gzip_kib: Number(/gzip: ([\d.]+) KiB/.exec(stdout)?.[1] ?? Number.NaN),
    startup_ms: [...startups].sort((a, b) => a - b)[Math.floor(STARTUP_RUNS / 2)] ?? Number.NaN,
    startup_runs_ms: startups,
    startup_profile: profilePath,
  };
}

/**
 * Time of the samples that were not idle: the profile's CPU time, at its sampling resolution.
 * A sample lasts until the next one, as DevTools counts it.
 */
function busyMs(profile: CpuProfile): number {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
  let micros = 0;
  profile.samples.forEach((node, i) => {
    if (!idle.has(node)) micros += profile.timeDeltas[i + 1] ?? 0;
  });
  return micros / 1000;
}
