/**
 * How the command-line scripts reach "the database": the one in DATABASE_URL, else the running
 * `npm run dev` database on whatever port it was given, else this checkout's PGlite data
 * directory opened in-process. `npm run migrate`, `npm run db:assertion-key` and
 * `npm run token -- --role` all resolve it here, so they agree.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isNeonUrl, localUrl, startLocalDatabase } from "../../neon-local/local-database";
import type { MigrationTarget } from "../db/migrate";
import { DEV_DATA_DIR, ROOT } from "./dev-vars";

/** The local Neon server's port for `npm run dev`. */
export const DEV_NEON_PORT = Number(process.env.NEON_LOCAL_PORT || 4444);

/**
 * Written by `npm run dev` while it runs (removed when it stops): where its local Neon server
 * listens. Kept in this checkout, so a script finds its own dev database and never another
 * checkout's server that happens to hold the default port.
 */
export const DEV_SERVER_STATE = join(ROOT, ".data/dev-server.json");

interface DevServerState {
  pid: number;
  fetchEndpoint: string;
}

export function recordDevServer(fetchEndpoint: string, statePath = DEV_SERVER_STATE): void {
  mkdirSync(dirname(statePath), { recursive: true });
  const state: DevServerState = { pid: process.pid, fetchEndpoint };
  writeFileSync(statePath, `${JSON.stringify(state)}\n`);
}

export function forgetDevServer(statePath = DEV_SERVER_STATE): void {
  rmSync(statePath, { force: true });
}

function recordedEndpoint(statePath: string): string | undefined {
  if (!existsSync(statePath)) return undefined;
  try {
    const state = JSON.parse(readFileSync(statePath, "utf8")) as DevServerState;
    process.kill(state.pid, 0); // throws when the recording `npm run dev` is gone (file left by a crash)
    return state.fetchEndpoint;
  } catch {
    return undefined;
  }
}

async function answers(fetchEndpoint: string): Promise<boolean> {
  try {
    const response = await fetch(new URL("/__health", fetchEndpoint), { signal: AbortSignal.timeout(500) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The endpoint of this checkout's running `npm run dev` database, if one answers: the port in
 * NEON_LOCAL_PORT when set (as `npm run dev` was started with it), else the one it recorded.
 */
export async function runningDevEndpoint(
  statePath = DEV_SERVER_STATE,
  neonLocalPort = process.env.NEON_LOCAL_PORT,
): Promise<string | undefined> {
  const candidate = neonLocalPort ? `http://127.0.0.1:${Number(neonLocalPort)}/sql` : recordedEndpoint(statePath);
  return candidate && (await answers(candidate)) ? candidate : undefined;
}

/**
 * Runs `work` against the database as its schema owner: DATABASE_URL (a Neon URL directly, any
 * other Postgres through an in-process local Neon server), else the running dev database, else
 * `.data/pglite` opened here (only while no `npm run dev` holds it).
 */
export async function withDevDatabase<T>(work: (target: MigrationTarget) => Promise<T>): Promise<T> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && isNeonUrl(databaseUrl)) return work({ connectionString: databaseUrl });
  const devEndpoint = databaseUrl ? undefined : await runningDevEndpoint();
  if (devEndpoint) return work({ connectionString: localUrl("postgres"), fetchEndpoint: devEndpoint });
  const database = await startLocalDatabase(databaseUrl ? { databaseUrl } : { dataDir: DEV_DATA_DIR });
  try {
    return await work({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint });
  } finally {
    await database.close();
  }
}
