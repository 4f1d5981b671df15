import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");
// Resolved here: the scanned repositories are temporary folders with no node_modules of their own.
const TSX = import.meta.resolve("tsx");

export interface ScriptRun {
  status: number | null;
  output: string;
}

/** Runs scripts/ci/<name>.ts under the tests' Node, as CI would, from `cwd`. */
export function runCiScript(name: string, args: string[], cwd = ROOT): ScriptRun {
  const result = spawnSync(process.execPath, ["--import", TSX, resolve(ROOT, `scripts/ci/${name}.ts`), ...args], {
    cwd,
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
