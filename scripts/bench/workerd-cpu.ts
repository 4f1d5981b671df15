/**
 * CPU time of the workerd processes a bench started itself, from Linux's scheduler accounting
 * (/proc/<pid>/task/<tid>/schedstat: nanoseconds on CPU, every thread). Other engineers' workerd
 * processes on the same machine are never counted: only descendants of this Node process.
 */
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | undefined {
  try {
    // The command name is in parentheses and may hold spaces: fields start after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
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
    for (let up = parentOf(pid); up !== undefined && up > 1; up = parentOf(up)) {
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
  const runtime = pids.filter((pid) => commandLineOf(pid).includes("--inspector-addr"));
  return { value, pids: runtime.length > 0 ? runtime : pids };
}

/** Nanoseconds the given processes have spent on a CPU so far, all their threads. */
export function cpuNanoseconds(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    let threads: string[] = [];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited
    }
    for (const tid of threads) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return total;
}
