/**
 * The workerd processes a bench started itself, for their CPU (read by process-cpu.ts). Other
 * engineers' workerd processes on the same machine are never counted: only descendants of this
 * Node process.
 */
import { readdirSync, readFileSync } from "node:fs";
import { commandLine, parentPid, processCpuMs } from "./process-cpu";

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Every workerd process below this Node process, now. */
export function ownWorkerdPids(): Set<number> {
  const pids = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const own = new Set<number>();
  for (const pid of pids) {
    if (!commandOf(pid).startsWith("workerd")) continue;
    for (let up = parentPid(pid); up !== undefined && up > 1; up = parentPid(up)) {
      if (up === process.pid) {
        own.add(pid);
        break;
      }
    }
  }
  return own;
}

/**
 * The workerd processes that `start` brings up (those that were not there before it). Wrangler
 * starts some of them after its promise resolves, so `ready` (a first request) runs and the set
 * is read once it has stopped growing.
 */
export async function withNewWorkerd<T>(
  start: () => Promise<T>,
  ready: (value: T) => Promise<unknown>,
): Promise<{ value: T; pids: number[] }> {
  const before = ownWorkerdPids();
  const value = await start();
  await ready(value);
  let pids: number[] = [];
  for (let unchanged = 0; unchanged < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = [...ownWorkerdPids()].filter((pid) => !before.has(pid));
    unchanged = now.length === pids.length ? unchanged + 1 : 0;
    pids = now;
  }
  // Wrangler runs the Worker in one workerd (the one it attaches an inspector to) and its dev
  // proxy in another; the proxy's cost is the same for every Worker, so only the first counts.
  const runtime = pids.filter((pid) => commandLine(pid).includes("--inspector-addr"));
  return { value, pids: runtime.length > 0 ? runtime : pids };
}

/** Milliseconds the given processes have spent on a CPU so far (all their threads, exited included). */
export function workerdCpuMs(pids: readonly number[]): number {
  return pids.reduce((total, pid) => total + processCpuMs(pid), 0);
}
