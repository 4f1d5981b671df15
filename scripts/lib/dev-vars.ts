import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");
export const DEV_VARS_PATH = join(ROOT, ".dev.vars");
export const DEV_DATA_DIR = join(ROOT, ".data/pglite");
/** The local Neon server of `npm run dev`; `npm run migrate` and `npm run token` find it here. */
export const DEV_NEON_PORT = Number(process.env.NEON_LOCAL_PORT ?? 4444);

/** Parses `.dev.vars` (dotenv syntax: KEY=value, optional quotes, # comments). */
export function readDevVars(path = DEV_VARS_PATH): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    vars[match[1]] = match[2].replace(/^(['"])(.*)\1$/, "$2");
  }
  return vars;
}

/** The endpoint of a running `npm run dev` database, if one answers. */
export async function runningDevEndpoint(): Promise<string | undefined> {
  const base = `http://127.0.0.1:${DEV_NEON_PORT}`;
  try {
    const response = await fetch(`${base}/__health`, { signal: AbortSignal.timeout(500) });
    return response.ok ? `${base}/sql` : undefined;
  } catch {
    return undefined;
  }
}
