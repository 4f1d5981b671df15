import { type SQL, sql } from "drizzle-orm";
import type { Logger } from "../observability/logger";
import { RETENTION_SETTINGS, type RetentionSetting } from "../privacy/retention";
import { type PlatformRetention, purgePlatformRetention } from "./platform-retention";
import type { MaintenanceRun } from "./run";
import { purgeDeletedTenants } from "./tenant-purge";

/** What one data class's purge deletes: rows of `table` whose `column` is past the period. */
export interface DataClass {
  dataClass: string;
  table: string;
  /** Identifies a row within its tenant. */
  key: string;
  column: string;
  /** The tenant's setting; null: the row carries its own expiry (`column` < now()). */
  setting: RetentionSetting | null;
  only?: string;
}

/**
 * In this order: deleting a company or a finished job takes its contacts, pages and signals
 * with it (foreign keys), so the later classes find less to do.
 */
export const DATA_CLASSES: DataClass[] = [
  {
    dataClass: "deleted_companies",
    table: "companies",
    key: "id",
    column: "deleted_at",
    setting: "deleted_records_days",
  },
  {
    dataClass: "deleted_contacts",
    table: "contacts",
    key: "id",
    column: "deleted_at",
    setting: "deleted_records_days",
  },
  {
    dataClass: "scrape_jobs",
    table: "scrape_jobs",
    key: "id",
    column: "finished_at",
    setting: "scrape_jobs_days",
    only: "status in ('succeeded', 'failed')",
  },
  {
    dataClass: "scrape_results",
    table: "company_signals",
    key: "id",
    column: "fetched_at",
    setting: "scrape_results_days",
  },
  {
    dataClass: "scrape_snapshots",
    table: "scrape_pages",
    key: "id",
    column: "fetched_at",
    setting: "scrape_results_days",
  },
  // Deliveries go with their events (foreign key).
  { dataClass: "events", table: "events", key: "id", column: "created_at", setting: "events_days" },
  { dataClass: "audit_log", table: "audit_log", key: "id", column: "created_at", setting: "audit_log_days" },
  { dataClass: "idempotency_keys", table: "idempotency_keys", key: "key", column: "expires_at", setting: null },
];

/**
 * One batch of one class: at most `batchSize` expired rows, taken tenant by tenant through the
 * (tenant_id, column) indexes with each tenant's own period. Runs do not overlap (the lease);
 * were they to, a row deleted by one is simply not returned (nor counted) by the other.
 */
export function purgeBatch(spec: DataClass, batchSize: number): SQL {
  const cutoff = spec.setting
    ? sql`now() - make_interval(days => coalesce(p.${sql.identifier(spec.setting)}, ${RETENTION_SETTINGS[spec.setting].default}))`
    : sql`now()`;
  const table = sql.identifier(spec.table);
  const key = sql.identifier(spec.key);
  const column = sql.identifier(spec.column);
  // `only` is a condition written in DATA_CLASSES above, never input: SQL text by nature.
  const only = spec.only ? sql`and x.${sql.raw(spec.only)}` : sql``;
  return sql`cutoffs as (
      select t.id as tenant_id, ${cutoff} as cutoff
        from tenants t left join retention_policies p on p.tenant_id = t.id
    ), doomed as (
      select d.tenant_id, d.${key} as key from cutoffs c cross join lateral (
        select x.tenant_id, x.${key} from ${table} x
         where x.tenant_id = c.tenant_id and x.${column} < c.cutoff ${only}
         limit ${batchSize}
      ) d
      limit ${batchSize}
    ), gone as (
      delete from ${table} x using doomed d where x.tenant_id = d.tenant_id and x.${key} = d.key
      returning x.tenant_id
    ), changed as (select tenant_id, count(*)::int as n from gone group by tenant_id)`;
}

/**
 * Purges one class batch by batch until a batch comes back short (done: true) or the run is out
 * of time (false). Adds what it purged to `totals`.
 */
export async function purgeClass(
  run: MaintenanceRun,
  spec: DataClass,
  batchSize: number,
  totals: Record<string, number> = {},
): Promise<boolean> {
  for (;;) {
    if (!run.hasTime()) return false;
    const purged = await run.count(spec.dataClass, purgeBatch(spec, batchSize));
    totals[spec.dataClass] = (totals[spec.dataClass] ?? 0) + purged;
    if (purged < batchSize) return true;
  }
}

/**
 * Deletes what every tenant holds past its retention period, class by class, in batches, then
 * the deleted tenants past their restore window, until done or out of time; a run cut short is
 * recorded as not completed and the next one carries on.
 */
export async function purgeExpired(
  run: MaintenanceRun,
  batchSize: number,
  logger: Logger,
  config?: PlatformRetention,
): Promise<boolean> {
  const totals: Record<string, number> = {};
  let done = true;
  for (const spec of DATA_CLASSES) {
    if (!(await purgeClass(run, spec, batchSize, totals))) {
      done = false;
      break;
    }
  }
  // Then offboarding: deleted tenants past their restore window go entirely.
  done = done && (await purgeDeletedTenants(run, batchSize, totals));
  // Then what the platform's settings keep: security events (their addresses first) and usage reports.
  if (config) done = done && (await purgePlatformRetention(run, batchSize, config, totals));
  if (!done) {
    logger.info("retention purge out of time; the next run carries on", { purged: totals });
    return false;
  }
  logger.info("retention purge complete", { purged: totals });
  return true;
}
