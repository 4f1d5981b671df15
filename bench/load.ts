/**
 * Load from a second process: wrk (Debian package `wrk`) at fixed concurrency, cycling through a
 * list of paths, with latency percentiles and error counts read from its Lua `done` hook.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  paths: string[];
  headers?: Record<string, string>;
  seconds: number;
  connections: number;
  threads: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requests_per_second: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  mean_ms: number;
  /** Non-2xx/3xx answers plus connect, read, write errors and timeouts. */
  errors: number;
}

export function assertWrkInstalled(): void {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is a problem.
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("wrk is not installed: apt-get install -y wrk (the load must come from a second process)");
  }
}

/** One wrk run; resolves once wrk has exited. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "bench-wrk-"));
  const script = join(dir, "paths.lua");
  writeFileSync(script, luaScript(options.paths));
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  const { stdout } = await run(
    "wrk",
    [
      `-t${options.threads}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--timeout",
      "10s",
      ...headerArgs,
      "-s",
      script,
      options.url,
    ],
    { timeout: (options.seconds + 30) * 1000 },
  ).finally(() => rmSync(dir, { recursive: true, force: true }));
  const line = stdout.split("\n").find((text) => text.startsWith("WRK_RESULT "));
  if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
  const raw = JSON.parse(line.slice("WRK_RESULT ".length)) as Record<string, number>;
  const value = (name: string) => raw[name] ?? Number.NaN;
  const seconds = value("duration_us") / 1e6;
  return {
    requests: value("requests"),
    seconds,
    requests_per_second: value("requests") / seconds,
    p50_ms: value("p50_us") / 1000,
    p90_ms: value("p90_us") / 1000,
    p99_ms: value("p99_us") / 1000,
    mean_ms: value("mean_us") / 1000,
    errors: value("status") + value("connect") + value("read") + value("write") + value("timeout"),
  };
}

function luaScript(paths: string[]): string {
  return `local paths = { ${paths.map((path) => JSON.stringify(path)).join(", ")} }
local count = #paths
local i = 0
request = function()
  i = i % count + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
`;
}
