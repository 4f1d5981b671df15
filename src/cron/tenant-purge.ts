import { type SQL, sql } from "drizzle-orm";
import { RETENTION_SETTINGS } from "../privacy/retention";
import type { MaintenanceRun } from "./run";

/** A table holding a tenant's data, emptied batch by batch while the tenant is being purged. */
interface TenantTable {
  table: string;
  /** Rows this step leaves for the last one, which deletes the tenant row (and them with it). */
  keep?: (runId: string) => SQL;
}

/**
 * Every table that refers to tenants, children before parents, so that no batch cascades beyond
 * itself (a test checks that the list names every such table).
 */
export const TENANT_TABLES: TenantTable[] = [
  { table: "company_signals" },
  { table: "company_changes" },
  { table: "webhook_deliveries" },
  { table: "webhook_endpoints" },
  { table: "events" },
  { table: "export_companies" },
  { table: "export_jobs" },
  { table: "scrape_pages" },
  { table: "scrape_jobs" },
  { table: "contacts" },
  { table: "workspace_companies" },
  { table: "workspace_members" },
  { table: "workspaces" },
  { table: "companies" },
  { table: "api_keys" },
  { table: "invitations" },
  { table: "tenant_identity_providers" },
  { table: "import_rows" },
  { table: "imports" },
  { table: "idempotency_keys" },
  { table: "suppressed_subjects" },
  { table: "erasure_receipts" },
  { table: "retention_policies" },
  { table: "tenant_modules" },
  { table: "tenant_feature_flags" },
  { table: "usage_reports" },
  { table: "usage" },
  { table: "invoices" },
  { table: "subscriptions" },
  // The membership guard keeps a tenant's last owner while the tenant exists: owners go with it.
  { table: "memberships", keep: () => sql`x.role = 'owner'` },
  { table: "audit_log" },
  // Every statement of this run records its figures here: those go with the tenant too.
  { table: "maintenance_run_counts", keep: (runId) => sql`x.run_id = ${runId}` },
];

const PURGING = sql`purging as (select id from tenants where purge_started_at is not null and deleted_at is not null)`;

/** Adds `n` of each `(tenant_id, n)` in the CTE named changed to the tenants' purge receipts. */
const addToReceipt = (table: string) => sql`receipt as (
    update tenant_purge_receipts r
       set rows = r.rows || jsonb_build_object(${table}::text, coalesce((r.rows ->> ${table})::bigint, 0) + c.n)
      from changed c where r.purged_tenant_id = c.tenant_id
  )`;

/**
 * Deleted tenants whose restore window (their deleted_records_days) has passed are marked: from
 * then on app.restore_tenant refuses them, their audit rows are no longer written, and the
 * delete policies of their tables let the cron in. Each gets its receipt. `purging` lists every
 * tenant being purged, marked now or by an earlier run.
 */
export function markDueTenants(batchSize: number): SQL {
  const days = RETENTION_SETTINGS.deleted_records_days.default;
  return sql`due as (
      select t.id, t.deleted_at from tenants t left join retention_policies p on p.tenant_id = t.id
       where t.deleted_at is not null and t.purge_started_at is null
         and t.deleted_at < now() - make_interval(days => coalesce(p.deleted_records_days, ${days}))
       order by t.deleted_at
       limit ${batchSize}
    ), marked as (
      -- Rechecked under the row lock: a tenant restored meanwhile (or restored and deleted again,
      -- with a fresh window) is left alone.
      update tenants t set purge_started_at = now()
        from due where t.id = due.id and t.deleted_at = due.deleted_at and t.purge_started_at is null
      returning t.id, t.deleted_at
    ), receipts as (
      insert into tenant_purge_receipts (purged_tenant_id, deleted_at) select id, deleted_at from marked
      on conflict (purged_tenant_id) do nothing
    ), changed as (select id as tenant_id, 1 as n from marked),
    purging as (select id from tenants where purge_started_at is not null union select id from marked)`;
}

/** One batch of one table: at most `batchSize` rows of the tenants being purged. */
export function purgeTenantRows(spec: TenantTable, batchSize: number, runId: string): SQL {
  const table = sql.identifier(spec.table);
  const keep = spec.keep ? sql`and not (${spec.keep(runId)})` : sql``;
  return sql`${PURGING}, doomed as (
      select d.row_id from purging p cross join lateral (
        select x.ctid as row_id from ${table} x where x.tenant_id = p.id ${keep} limit ${batchSize}
      ) d
      limit ${batchSize}
    ), gone as (
      delete from ${table} x
       where x.ctid = any(array(select row_id from doomed)) and x.tenant_id in (select id from purging)
      returning x.tenant_id
    ), changed as (select tenant_id, count(*)::int as n from gone group by tenant_id),
    ${addToReceipt(spec.table)}`;
}

/**
 * The last step: tenants with nothing left but their owners' memberships and this run's figures
 * are deleted (taking those with them) and their receipts closed. A statement of its own, not
 * counted per tenant: the tenants are gone when it commits.
 */
export function deletePurgedTenants(batchSize: number, runId: string): SQL {
  const empty = TENANT_TABLES.map(
    (spec) =>
      sql`and not exists (select 1 from ${sql.identifier(spec.table)} x where x.tenant_id = t.id ${
        spec.keep ? sql`and not (${spec.keep(runId)})` : sql``
      })`,
  );
  return sql`with done as (
      select t.id from tenants t
       where t.purge_started_at is not null and t.deleted_at is not null ${sql.join(empty, sql` `)}
       limit ${batchSize}
    ), owners as (
      select m.tenant_id, count(*)::int as n from memberships m where m.tenant_id in (select id from done)
       group by m.tenant_id
    ), gone as (
      delete from tenants t using done d where t.id = d.id returning t.id
    ), receipt as (
      update tenant_purge_receipts r
         set purged_at = now(),
             rows = r.rows || jsonb_build_object(
               'memberships', coalesce((r.rows ->> 'memberships')::bigint, 0) + coalesce(o.n, 0), 'tenants', 1)
        from gone g left join owners o on o.tenant_id = g.id
       where r.purged_tenant_id = g.id
    )
    select count(*)::int as n from gone`;
}

/** Runs `step` until a batch comes back short (true) or the run is out of time (false). */
async function untilShort(run: MaintenanceRun, batchSize: number, step: () => Promise<number>): Promise<boolean> {
  for (;;) {
    if (!run.hasTime()) return false;
    if ((await step()) < batchSize) return true;
  }
}

/**
 * Offboarding: every deleted tenant past its restore window loses all its rows, table by table in
 * bounded batches, then its tenant row; what is left is a receipt of counts in
 * tenant_purge_receipts. A run cut short carries on next time (the mark stays). Adds what it
 * purged to `totals`.
 */
export async function purgeDeletedTenants(
  run: MaintenanceRun,
  batchSize: number,
  totals: Record<string, number> = {},
): Promise<boolean> {
  const add = (name: string, n: number) => {
    totals[name] = (totals[name] ?? 0) + n;
    return n;
  };
  let purging = 0;
  const marked = await untilShort(run, batchSize, async () => {
    const { n, ids } = await run.countWithIds("deleted_tenants", markDueTenants(batchSize), "purging");
    purging = ids.length;
    return add("deleted_tenants_marked", n);
  });
  if (!marked) return false;
  // Most runs find no tenant to purge: one statement, then nothing.
  if (purging === 0) return true;
  for (const spec of TENANT_TABLES) {
    const name = `deleted_tenants.${spec.table}`;
    const step = () => run.count(name, purgeTenantRows(spec, batchSize, run.id));
    if (!(await untilShort(run, batchSize, async () => add(name, await step())))) return false;
  }
  return untilShort(run, batchSize, async () => {
    const [row] = await run.execute<{ n: number }>(deletePurgedTenants(batchSize, run.id));
    return add("deleted_tenants_purged", row?.n ?? 0);
  });
}
