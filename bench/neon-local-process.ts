import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../scripts/lib/dev-vars";

export interface NeonLocalProcess {
  pid: number;
  /** `http://127.0.0.1:PORT/sql` */
  fetchEndpoint: string;
  stop(): Promise<void>;
}

/**
 * The local Neon server (neon-local/) in a process of its own over `databaseUrl`, so that
 * its CPU can be told apart from the bench's and wrangler's (which share the bench's process).
 * `record`: it keeps the latest requests' statements for `GET /__recorded?request_id=X`;
 * `keepSessions`: it hands connections on unreset, as Neon's proxy does.
 */
export async function startNeonLocalProcess(
  databaseUrl: string,
  options: { record?: boolean; keepSessions?: boolean } = {},
): Promise<NeonLocalProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "neon-local/main.ts"),
      "--database-url",
      databaseUrl,
      "--port",
      "0",
      "--quiet",
      ...(options.record ? ["--record"] : []),
      ...(options.keepSessions ? ["--keep-sessions"] : []),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const fetchEndpoint = await new Promise<string>((resolve, reject) => {
    let printed = "";
    const timer = setTimeout(() => reject(new Error(`neon-local did not start: ${printed}`)), 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
      const endpoint = /listening on (http:\/\/\S+)/.exec(printed)?.[1];
      if (endpoint) {
        clearTimeout(timer);
        resolve(endpoint);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`neon-local exited (${code}): ${printed}`));
    });
  });
  if (child.pid === undefined) throw new Error("neon-local has no pid");
  return { pid: child.pid, fetchEndpoint, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
