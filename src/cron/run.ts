import { type SQL, sql } from "drizzle-orm";
import type { DatabaseClient } from "../db/client";

export type MaintenanceJob = "retention_purge" | "maintenance";

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
    const { db, tag } = this.database;
    const started = Date.now();
    const ids = idsFrom
      ? sql`(select coalesce(array_agg(id::text), '{}') from ${sql.raw(idsFrom)})`
      : sql`'{}'::text[]`;
    const result = await db.execute<{ n: number; ids: string[] }>(sql`${tag}with ${ctes},
      counted as (
        insert into maintenance_run_counts (run_id, tenant_id, data_class, rows)
        select ${this.id}, tenant_id, ${dataClass}, n from changed where n > 0
        on conflict (run_id, tenant_id, data_class) do update set rows = maintenance_run_counts.rows + excluded.rows
      )
      select coalesce(sum(n), 0)::int as n, ${ids} as ids from changed`);
    this.statements++;
    this.longestMs = Math.max(this.longestMs, Date.now() - started);
    return { n: result.rows[0]?.n ?? 0, ids: result.rows[0]?.ids ?? [] };
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
