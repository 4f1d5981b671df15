/**
 * CPU time of processes and threads as the Linux kernel accounts it (/proc/<pid>/stat utime +
 * stime, which include the process's exited threads), and what a process listens on. Local
 * workerd has no CPU accounting of its own to read: its trace events carry cpuTime = 0.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** The fields after the command name, which may itself hold spaces and parentheses. */
function statFields(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** User + system CPU of a process (all its threads, living and exited), in ms; 0 once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const fields = statFields(`/proc/${pid}/stat`);
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  } catch {
    return 0;
  }
}

/** CPU of one thread of a process, in ms (the main thread's id is the process id). */
export function threadCpuMs(pid: number, tid: number): number {
  try {
    const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  } catch {
    return 0;
  }
}

/** The parent of a process; undefined once it is gone. */
export function parentPid(pid: number): number | undefined {
  try {
    return Number(statFields(`/proc/${pid}/stat`)[1]);
  } catch {
    return undefined;
  }
}

/** Children of `parent` whose command name is `name`. */
export function childProcesses(parent: number, name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
      if (comm === name && Number(statFields(`/proc/${entry}/stat`)[1]) === parent) pids.push(Number(entry));
    } catch {
      // exited while listing
    }
  }
  return pids;
}

export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
}

/** TCP ports a process listens on, from its socket inodes and /proc/net/tcp{,6}. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed while listing
    }
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let lines: string[] = [];
    try {
      lines = readFileSync(table, "utf8").trim().split("\n").slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const columns = line.trim().split(/\s+/);
      // sl, local_address (HEXIP:HEXPORT), rem_address, st (0A is LISTEN), …, inode (tenth).
      const [local, state, inode] = [columns[1], columns[3], columns[9]];
      if (state === "0A" && inode && inodes.has(inode) && local)
        ports.add(Number.parseInt(local.split(":")[1] ?? "", 16));
    }
  }
  return [...ports];
}
