/**
 * Scenario: purge 1,000,000 expired rows (800,000 audit entries and 200,000 soft-deleted
 * companies, among 20 tenants, next to 100,000 rows that must stay) on a real PostgreSQL, with the
 * production settings: batches of 5,000, invocations of at most 25 s and 500 statements. The purge
 * code is the cron's own (src/cron/), run from Node through the same HTTP driver and local Neon
 * server: the database is the cost, not the Worker's CPU. Reports rows per second, the longest
 * single statement, and what each invocation used against a Worker's limits.
 */
import pg from "pg";
import { purgeExpired } from "../src/cron/retention-purge";
import { MaintenanceRun } from "../src/cron/run";
import { createDatabaseClient } from "../src/db/client";
import { perRoundTripDeadline } from "../src/db/deadline";
import { createLogger } from "../src/observability/logger";
import { freshPostgres } from "./fresh-postgres";

const TENANTS = 20;
const AUDIT_ROWS = Number(process.env.BENCH_PURGE_AUDIT_ROWS ?? 800_000);
const DELETED_COMPANIES = Number(process.env.BENCH_PURGE_COMPANIES ?? 200_000);
const FRESH_ROWS = 100_000;
const BATCH = 5000;
const BUDGET_MS = 25_000;
const MAX_STATEMENTS = 500;

export async function retentionPurgeScenario(): Promise<Record<string, unknown>> {
  const { databaseUrl, database, drop } = await freshPostgres("purge");
  try {
    const seeding = performance.now();
    const direct = new pg.Client({ connectionString: databaseUrl });
    await direct.connect();
    direct.on("error", () => {}); // the database is dropped at the end, connection or not
    await direct.query("SET session_replication_role = replica"); // seed without triggers
    await direct.query(
      `INSERT INTO tenants (id, slug, name) SELECT gen_random_uuid(), 'purge-' || g, 'Purge ' || g FROM generate_series(1, $1) g`,
      [TENANTS],
    );
    await direct.query(
      `INSERT INTO audit_log (tenant_id, action, target_type, created_at)
       SELECT t.id, 'seed.expired', 'company', now() - interval '500 days' - (g || ' seconds')::interval
         FROM (SELECT id, row_number() OVER () AS n FROM tenants) t, generate_series(1, $1::int / $2::int) g`,
      [AUDIT_ROWS, TENANTS],
    );
    await direct.query(
      `INSERT INTO companies (tenant_id, name, deleted_at)
       SELECT t.id, 'Gone ' || g, now() - interval '60 days' FROM tenants t, generate_series(1, $1::int / $2::int) g`,
      [DELETED_COMPANIES, TENANTS],
    );
    await direct.query(
      `INSERT INTO audit_log (tenant_id, action, created_at)
       SELECT t.id, 'seed.fresh', now() - interval '10 days' FROM tenants t, generate_series(1, $1::int / $2::int) g`,
      [FRESH_ROWS, TENANTS],
    );
    await direct.query("ANALYZE");
    const seedSeconds = (performance.now() - seeding) / 1000;
    const expired = AUDIT_ROWS + DELETED_COMPANIES;
    console.log(
      `\nretention purge — ${expired} expired rows (+${FRESH_ROWS} fresh) seeded in ${seedSeconds.toFixed(1)} s`,
    );

    const logger = createLogger({}, "warn");
    const invocations: { seconds: number; statements: number; longest_ms: number; completed: boolean }[] = [];
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      const client = createDatabaseClient({
        url: database.maintenanceUrl,
        fetchEndpoint: database.fetchEndpoint,
        requestId: `bench-purge-${i}`,
        deadline: perRoundTripDeadline(60_000),
      });
      const run = new MaintenanceRun(client, "retention_purge", BUDGET_MS, MAX_STATEMENTS);
      const invocationStart = performance.now();
      if (!(await run.start())) throw new Error("lease held");
      const completed = await purgeExpired(run, BATCH, logger);
      await run.finish(completed);
      const { statements, longest_statement_ms } = run.summary();
      invocations.push({
        seconds: Number(((performance.now() - invocationStart) / 1000).toFixed(1)),
        statements,
        longest_ms: longest_statement_ms,
        completed,
      });
      if (completed) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const left = await direct.query(
      "SELECT (SELECT count(*) FROM audit_log WHERE action = 'seed.expired')::int AS expired_audit, (SELECT count(*) FROM companies WHERE deleted_at IS NOT NULL)::int AS deleted_companies, (SELECT count(*) FROM audit_log WHERE action = 'seed.fresh')::int AS fresh",
    );
    await direct.end();
    const result = {
      expired_rows: expired,
      seconds: Number(seconds.toFixed(1)),
      rows_per_second: Math.round(expired / seconds),
      invocations: invocations.length,
      longest_statement_ms: Math.max(...invocations.map((i) => i.longest_ms)),
      most_statements_in_one_invocation: Math.max(...invocations.map((i) => i.statements)),
      longest_invocation_seconds: Math.max(...invocations.map((i) => i.seconds)),
      left: left.rows[0],
    };
    console.log(
      `  ${expired} rows in ${result.seconds} s: ${result.rows_per_second} rows/s, ${result.invocations} invocations`,
    );
    console.log(
      `  longest statement ${result.longest_statement_ms} ms; per invocation at most ${result.most_statements_in_one_invocation} statements (limit ${MAX_STATEMENTS}) and ${result.longest_invocation_seconds} s (budget ${BUDGET_MS / 1000} s)`,
    );
    console.log(`  left: ${JSON.stringify(result.left)}`);
    return result;
  } finally {
    await drop();
  }
}
