/**
 * Workers under `wrangler dev` (unstable_dev) as the throughput bench drives them. wrangler runs
 * two workerd processes per Worker: its dev proxy (what `worker.fetch` and the printed URL
 * reach) and the one that runs the Worker and its Durable Objects. The load goes straight to the
 * latter, as production traffic has no dev proxy, and that process is the one whose CPU counts.
 */
import { join } from "node:path";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Unstable_DevWorker } from "wrangler";
import { ROOT } from "../scripts/lib/dev-vars";
import { COMPANY_COLUMNS } from "../src/routes/companies/schemas";
import { childProcesses, commandLine, listeningPorts } from "./process-cpu";
import { startScript } from "./worker-harness";

export interface LocalWorker {
  dev: Unstable_DevWorker;
  /** The workerd process that runs the Worker and its Durable Objects. */
  pid: number;
  /** Its own HTTP socket, past wrangler's proxy. */
  url: string;
}

export const FLOOR_WORKER_DIR = join(ROOT, "bench/floor-worker");

const COLUMNS_TEXT = new PgDialect().sqlToQuery(COMPANY_COLUMNS).sql;

/** The floor's statements (its GET_SQL and LIST_SQL): exactly our columns, one company or a list page. */
export const FLOOR_STATEMENTS = {
  GET_SQL: `select ${COLUMNS_TEXT} from companies where id = $1`,
  LIST_SQL: `select ${COLUMNS_TEXT} from companies where tenant_id = $1 and deleted_at is null
             order by name_key collate "C", id limit 51`,
};

/**
 * The minimal Worker (bench/floor-worker) under the same wrangler and workerd as ours; with
 * `inspectorPort`, wrangler's inspector proxy listens there (bench/profile-workerd.ts).
 */
export function startFloorWorker(vars: Record<string, string>, inspectorPort?: number): Promise<Unstable_DevWorker> {
  return startScript(join(FLOOR_WORKER_DIR, "worker.ts"), join(FLOOR_WORKER_DIR, "wrangler.toml"), vars, inspectorPort);
}

/**
 * Starts a Worker and finds its runtime process: the new workerd child that has an inspector
 * (wrangler's proxy has none), and of its two sockets the one that is not the inspector.
 * unstable_dev resolves once its proxy is up; a first request through the proxy waits for the
 * runtime. Workers must be started one at a time.
 */
export async function startLocalWorker(start: () => Promise<Unstable_DevWorker>): Promise<LocalWorker> {
  const before = new Set(childProcesses(process.pid, "workerd"));
  const dev = await start();
  await (await dev.fetch("/")).arrayBuffer();
  const started = childProcesses(process.pid, "workerd").filter((pid) => !before.has(pid));
  const runtime = started.filter((pid) => commandLine(pid).some((arg) => arg.startsWith("--inspector-addr")));
  const [pid] = runtime;
  if (pid === undefined || runtime.length !== 1)
    throw new Error(`expected one new workerd with an inspector, found ${runtime.length} of ${started.length}`);
  for (const port of listeningPorts(pid)) {
    const url = `http://127.0.0.1:${port}`;
    const answer = await fetch(`${url}/json/version`).then((response) => response.text());
    if (!answer.includes("Protocol-Version")) return { dev, pid, url };
  }
  throw new Error(`workerd ${pid}: no HTTP socket besides its inspector`);
}
