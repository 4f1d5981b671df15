/**
 * Replays what one API request made Postgres run (recorded by the local Neon server, `--record`)
 * with pgbench, the floor of Postgres work for those statements: the api-throughput bench compares
 * the Postgres CPU per request of ours with pgbench's per transaction (issue 12, point 4).
 *
 * `-M extended`: each statement is parsed, planned and executed as an unnamed statement, as Neon's
 * proxy and the local Neon server send them (the driver's text and parameters, Parse/Bind/Execute
 * every time, no prepared statement surviving the request). `-M prepared` would plan each
 * statement once per connection, which no request over HTTP can do; `-M simple` would inline the
 * parameters. Plans cached inside PL/pgSQL functions survive on pgbench's connections, as on
 * Neon's pooled ones. pgbench's connections persist, like the local server's pool.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type pg from "pg";
import type { RecordedRequest } from "../neon-local/stats";
import { processCpuMs } from "./process-cpu";

const run = promisify(execFile);

export const PGBENCH = process.env.PGBENCH ?? "pgbench";

export interface PgbenchScript {
  /** The script's text: BEGIN, the statements with `:variables` for their parameters, COMMIT. */
  text: string;
  /** The parameters' values, passed with -D (pgbench sends them as parameters in extended mode). */
  variables: Record<string, string>;
}

/** A recorded request as a pgbench transaction (a batch's own BEGIN … COMMIT; none for a single statement). */
export function pgbenchScript(recorded: RecordedRequest): PgbenchScript {
  const variables: Record<string, string> = {};
  const statements = recorded.queries.map(({ query, params }, statement) => {
    if (query.includes(";")) throw new Error(`pgbench ends a statement at ";": ${query.slice(0, 80)}`);
    const safe = withoutColonNames(query);
    if (/:[A-Za-z_]/.test(safe.replaceAll("::", ""))) throw new Error(`":" would read as a pgbench variable: ${query}`);
    return safe.replace(/\$(\d+)\b/g, (_, n: string) => {
      const value = params[Number(n) - 1];
      if (value === undefined) throw new Error(`$${n} has no parameter`);
      // -D cannot say NULL; a NULL parameter is the literal, which Postgres types the same way.
      if (value === null) return "NULL";
      const name = `p${statement}_${n}`;
      variables[name] = value;
      return `:${name}`;
    });
  });
  const lines = recorded.begin ? [recorded.begin, ...statements, "COMMIT"] : statements;
  return { text: `${lines.join(";\n")};\n`, variables };
}

/**
 * pgbench reads `:name` as a variable even inside a string literal, such as the company body's
 * to_char format 'HH24:MI:SS'. Each such literal is split after its colons ('HH24:' || 'MI:' ||
 * 'SS'): the same value, folded back into one constant when Postgres plans the statement.
 */
function withoutColonNames(query: string): string {
  return query.replace(/'(?:[^']|'')*'/g, (literal) =>
    /:[A-Za-z_]/.test(literal) ? `(${literal.replace(/:(?=[A-Za-z_])/g, ":' || '")})` : literal,
  );
}

export interface ReplayOptions {
  /** Postgres URL of the role the API's statements run as (app_api). */
  url: string;
  script: PgbenchScript;
  clients: number;
  /** Measured seconds, after `warmupSeconds` of the same run (connections made, plans cached). */
  seconds: number;
  warmupSeconds: number;
  /**
   * Transactions per second to schedule (pgbench --rate); absent: as fast as the clients go. A
   * backend woken for each transaction of a paced stream does more work per transaction than
   * one that never sleeps, so a path is compared with a replay at its own rate as well.
   */
  ratePerSecond?: number;
  /** A connection to the same database, to find pgbench's backends. */
  monitor: pg.Client;
}

export interface ReplayResult {
  transactions: number;
  transactions_per_second: number;
  /** CPU of pgbench's backends over the measured window, ms. */
  postgres_cpu_ms: number;
}

/**
 * Runs pgbench and measures a window inside its run: the backends' CPU (/proc) at its start and
 * end, and the transactions that completed inside it (from pgbench's per-transaction log), so
 * neither connecting nor the backends' exit falls in the figures.
 */
export async function replayWithPgbench(options: ReplayOptions): Promise<ReplayResult> {
  const dir = mkdtempSync(join(tmpdir(), "pgbench-replay-"));
  try {
    const scriptPath = join(dir, "batch.sql");
    writeFileSync(scriptPath, options.script.text);
    const args = [
      "--no-vacuum",
      "--protocol=extended",
      `--client=${options.clients}`,
      "--jobs=1",
      // Ends well after the window (which starts once all clients are seen connected).
      `--time=${options.warmupSeconds + options.seconds + 4}`,
      `--file=${scriptPath}`,
      ...(options.ratePerSecond ? [`--rate=${options.ratePerSecond.toFixed(1)}`] : []),
      "--log",
      `--log-prefix=${join(dir, "tx")}`,
      ...Object.entries(options.script.variables).map(([name, value]) => `--define=${name}=${value}`),
      options.url,
    ];
    // An application name of this run's own: backends of an earlier run may still be leaving.
    const application = `pgbench-replay-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const running = run(PGBENCH, args, {
      cwd: dir,
      env: { ...process.env, PGAPPNAME: application },
      signal: controller.signal,
    });
    // Settled here so that an early throw below cannot leave it rejecting unheard.
    let done = false;
    const finished = running.then(
      ({ stdout }) => ({ stdout, error: undefined }),
      (error: unknown) => ({ stdout: "", error }),
    );
    void finished.then(() => {
      done = true;
    });
    let cpuBefore: number;
    let cpuAfter: number;
    let from: number;
    let to: number;
    try {
      await sleep(options.warmupSeconds * 1000);
      const pids = await pgbenchBackends(options.monitor, application, options.clients);
      const cpu = () => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
      cpuBefore = cpu();
      from = Date.now() * 1000;
      await sleep(options.seconds * 1000);
      cpuAfter = cpu();
      to = Date.now() * 1000;
      // Its backends' CPU reads 0 once they are gone: the window must end inside the run.
      if (done) throw new Error("pgbench ended before the measured window did");
    } catch (error) {
      controller.abort();
      await finished;
      throw error;
    }
    const outcome = await finished;
    if (outcome.error) throw outcome.error;
    const { stdout } = outcome;
    if (!/number of failed transactions: 0\b/.test(stdout) && /failed/.test(stdout))
      throw new Error(`pgbench reported failures:\n${stdout}`);
    const transactions = countCompleted(dir, from, to);
    if (transactions === 0) throw new Error(`pgbench completed nothing:\n${stdout}`);
    return {
      transactions,
      transactions_per_second: Math.round((transactions / options.seconds) * 10) / 10,
      postgres_cpu_ms: cpuAfter - cpuBefore,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pgbench's backends, once all its clients are connected (a loaded machine connects slowly). */
async function pgbenchBackends(monitor: pg.Client, application: string, clients: number): Promise<number[]> {
  for (let attempt = 0; ; attempt++) {
    const { rows } = await monitor.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
      [application],
    );
    if (rows.length === clients) return rows.map((row) => row.pid);
    if (attempt >= 50) throw new Error(`pgbench: ${rows.length} backends of ${clients} after its warm-up`);
    await sleep(100);
  }
}

/** Transactions of pgbench's logs (`client tx latency script epoch_s epoch_us`) that ended in [from, to] µs. */
function countCompleted(dir: string, from: number, to: number): number {
  let count = 0;
  for (const file of readdirSync(dir).filter((name) => name.startsWith("tx"))) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const fields = line.split(" ");
      if (fields.length < 6) continue;
      const ended = Number(fields[4]) * 1e6 + Number(fields[5]);
      if (ended >= from && ended <= to) count += 1;
    }
  }
  return count;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
