import { type SQL, sql } from "drizzle-orm";
import type { DatabaseClient } from "../db/client";
import { findDatabaseFault, findPostgresError } from "../db/errors";

export type MaintenanceJob = "retention_purge" | "maintenance" | "companies_house_refresh";

/**
 * What a receipt says about a failed run: `code: sentence`, never the statement or its
 * parameters (every tenant can read receipts; the details go to the log).
 */
export function receiptError(error: unknown): string {
  const fault = findDatabaseFault(error);
  if (fault) {
    return fault.kind === "timeout"
      ? "database_unavailable: The database did not answer in time."
      : "database_unavailable: The database could not be reached.";
  }
  const pg = findPostgresError(error);
  if (pg) return `database_error: A statement failed with SQLSTATE ${pg.code}.`;
  return "internal_error: The run stopped on an unexpected error.";
}

/** The receipt of a run that died before it could close it (found by the next run). */
const ABANDONED = "abandoned: The run stopped before it could record its outcome.";

/**
 * One cron run: its lease (so overlapping invocations take turns), its receipt in
 * maintenance_runs, and a time budget. Every counted statement records its own figures in
 * maintenance_run_counts in the same transaction as its effect, so a receipt is exact even when
 * the run dies half-way.
 */
export class MaintenanceRun {
  readonly holder = crypto.randomUUID();
  private runId: string | null = null;
  private readonly startedAt = Date.now();
  private statements = 0;
  private longestMs = 0;

  constructor(
    private readonly database: DatabaseClient,
    readonly job: MaintenanceJob,
    /** No statement starts after this many milliseconds, */
    readonly budgetMs: number,
    /** nor after this many (each is a subrequest, and a Worker invocation may make only so many). */
    readonly maxStatements: number,
  ) {}

  /** Takes the job's lease and opens the receipt; false if another run holds the lease. */
  async start(): Promise<boolean> {
    const { db, tag } = this.database;
    const leaseSeconds = Math.ceil(this.budgetMs / 1000) + 60;
    const [lease, run] = await db.batch([
      db.execute<{ holder: string }>(sql`${tag}insert into maintenance_leases (job, holder, expires_at)
        values (${this.job}, ${this.holder}, now() + make_interval(secs => ${leaseSeconds}))
        on conflict (job) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where maintenance_leases.expires_at < now()
        returning holder`),
      db.execute<{ id: string }>(sql`insert into maintenance_runs (job, error)
        select ${this.job}, case when exists (select 1 from maintenance_leases where job = ${this.job} and holder = ${this.holder})
          then null else 'skipped: another run of this job holds the lease' end
        returning id`),
      // Holding the lease, this run is the only live one: an older open receipt of the job belongs
      // to a run that died (an outage, the Worker's limits) and is closed as failed.
      db.execute(sql`update maintenance_runs set finished_at = now(), error = ${ABANDONED}
        where job = ${this.job} and finished_at is null and started_at < now()
          and exists (select 1 from maintenance_leases where job = ${this.job} and holder = ${this.holder})`),
    ]);
    this.runId = run.rows[0]?.id ?? null;
    const acquired = lease.rows[0]?.holder === this.holder;
    if (!acquired) await this.finish(false);
    return acquired;
  }

  get id(): string {
    if (!this.runId) throw new Error("run not started");
    return this.runId;
  }

  /** Whether the run may start another statement. */
  hasTime(): boolean {
    return Date.now() - this.startedAt < this.budgetMs && this.statements < this.maxStatements;
  }

  /**
   * Runs a statement given as a list of CTEs (without `with`) that ends with one named `changed`
   * holding `(tenant_id, n)`: what it changed, per tenant. Adds those to the receipt under
   * `dataClass`, in the statement's own transaction (data-modifying CTEs must be top-level).
   */
  async count(dataClass: string, ctes: SQL): Promise<number> {
    return (await this.countWithIds(dataClass, ctes, null)).n;
  }

  /** `count`, also returning the `id`s of the CTE named `idsFrom` (e.g. jobs to send again). */
  async countWithIds(dataClass: string, ctes: SQL, idsFrom: string | null): Promise<{ n: number; ids: string[] }> {
    const ids = idsFrom
      ? sql`(select coalesce(array_agg(id::text), '{}') from ${sql.identifier(idsFrom)})`
      : sql`'{}'::text[]`;
    const [row] = await this.execute<{ n: number; ids: string[] }>(sql`with ${ctes},
      counted as (
        insert into maintenance_run_counts (run_id, tenant_id, data_class, rows)
        select ${this.id}, tenant_id, ${dataClass}, n from changed where n > 0
        on conflict (run_id, tenant_id, data_class) do update set rows = maintenance_run_counts.rows + excluded.rows
      )
      select coalesce(sum(n), 0)::int as n, ${ids} as ids from changed`);
    return { n: row?.n ?? 0, ids: row?.ids ?? [] };
  }

  /**
   * One statement of the run (it counts against the budget) without per-tenant figures: for a
   * statement after which the tenants it changed no longer exist, so no figure could name them.
   */
  async execute<T extends Record<string, unknown>>(statement: SQL): Promise<T[]> {
    const { db, tag } = this.database;
    const started = Date.now();
    const result = await db.execute<T>(sql`${tag}${statement}`);
    this.statements++;
    this.longestMs = Math.max(this.longestMs, Date.now() - started);
    return result.rows;
  }

  /** Closes the receipt and gives the lease back. */
  async finish(completed: boolean, error?: string): Promise<void> {
    const { db, tag } = this.database;
    await db.batch([
      db.execute(sql`${tag}update maintenance_runs set finished_at = now(), completed = ${completed},
          statements = ${this.statements}, longest_statement_ms = ${this.longestMs},
          error = coalesce(${error?.slice(0, 1000) ?? null}, error)
        where id = ${this.runId}`),
      db.execute(sql`delete from maintenance_leases where job = ${this.job} and holder = ${this.holder}`),
    ]);
  }

  summary() {
    return { run_id: this.runId, statements: this.statements, longest_statement_ms: this.longestMs };
  }
}
