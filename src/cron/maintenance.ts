import { sql } from "drizzle-orm";
import type { Env } from "../config/env";
import { requeueUsageReports } from "../jobs/billing/sweep";
import type { Logger } from "../observability/logger";
import { sweepWebhookOutbox } from "../webhooks/sweep";
import { DATA_CLASSES, purgeClass } from "./retention-purge";
import type { MaintenanceRun } from "./run";

/**
 * A queued job untouched this long (after its planned retry, if it has one) has probably lost
 * its message (a failed send).
 */
const FORGOTTEN_AFTER = "10 minutes";
/** Jobs put back per statement; the loop takes the rest while time lasts. */
const JOBS_PER_STATEMENT = 500;
/** Queues.sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

/** A table of queued jobs and the queue its messages go to. */
interface JobQueue {
  table: "scrape_jobs" | "export_jobs";
  dataClass: string;
  /** The module the jobs belong to: a tenant that lost it keeps its jobs waiting. */
  module: "web_scrape" | "exports";
  send: (env: Env, ids: string[]) => Promise<unknown>;
}

export const JOB_QUEUES: JobQueue[] = [
  {
    table: "scrape_jobs",
    dataClass: "scrape_jobs_requeued",
    module: "web_scrape",
    send: (env, ids) => env.SCRAPE_QUEUE.sendBatch(ids.map((jobId) => ({ body: { jobId } }))),
  },
  {
    table: "export_jobs",
    dataClass: "export_jobs_requeued",
    module: "exports",
    send: (env, ids) => env.EXPORT_QUEUE.sendBatch(ids.map((exportId) => ({ body: { exportId } }))),
  },
];

/**
 * Puts jobs back on their queue: running jobs whose lease ran out (their consumer died) and
 * queued jobs nobody has touched for a while (their message was never sent or got lost). A
 * duplicate message is harmless: the consumer's claim lets one through. If sending fails after
 * the update, the jobs are queued and fresh, and a later run sends them again.
 */
export async function requeueJobs(spec: JobQueue, env: Env, run: MaintenanceRun, logger: Logger): Promise<number> {
  const table = sql.identifier(spec.table);
  let total = 0;
  while (run.hasTime()) {
    const { n, ids } = await run.countWithIds(
      spec.dataClass,
      sql`stale as (
        select id from ${table}
         where ((status = 'running' and lease_expires_at < now())
            or (status = 'queued' and coalesce(retry_at, updated_at) < now() - ${FORGOTTEN_AFTER}::interval))
           -- A suspended tenant's jobs wait; lifting the suspension sends them again.
           and not app.tenant_is_suspended(tenant_id)
           -- So do those of a tenant that lost the jobs' module, until it has it again.
           and app.tenant_has_module(tenant_id, ${spec.module})
         order by updated_at
         limit ${JOBS_PER_STATEMENT}
         for update skip locked
      ), requeued as (
        update ${table} j set status = 'queued', lease_id = null, lease_expires_at = null
          from stale where j.id = stale.id
        returning j.id, j.tenant_id
      ), changed as (select tenant_id, count(*)::int as n from requeued group by tenant_id)`,
      "requeued",
    );
    for (let i = 0; i < ids.length; i += SEND_BATCH) await spec.send(env, ids.slice(i, i + SEND_BATCH));
    total += n;
    if (n < JOBS_PER_STATEMENT) break;
  }
  if (total > 0) logger.info("jobs requeued", { table: spec.table, jobs: total });
  return total;
}

/**
 * Sends imports again whose message was lost: running with a lapsed lease (their consumer died),
 * or queued or paused and untouched well past their planned resumption. Their pending rows are
 * all still there; a duplicate message is harmless (the claim lets one through).
 */
export async function requeueImports(env: Env, run: MaintenanceRun, logger: Logger): Promise<number> {
  const { n, ids } = await run.countWithIds(
    "imports_requeued",
    sql`stale as (
      select id from imports
       where ((status = 'running' and lease_expires_at < now())
          or (status in ('queued', 'paused') and coalesce(resume_at, updated_at) < now() - ${FORGOTTEN_AFTER}::interval))
         and not app.tenant_is_suspended(tenant_id)
       order by updated_at
       limit ${JOBS_PER_STATEMENT}
       for update skip locked
    ), requeued as (
      update imports i set status = 'queued', lease_id = null, lease_expires_at = null, resume_at = null,
          paused_reason = null
        from stale where i.id = stale.id
      returning i.id, i.tenant_id
    ), changed as (select tenant_id, count(*)::int as n from requeued group by tenant_id)`,
    "requeued",
  );
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    await env.IMPORT_QUEUE.sendBatch(ids.slice(i, i + SEND_BATCH).map((importId) => ({ body: { importId } })));
  }
  if (n > 0) logger.info("imports requeued", { imports: n });
  return n;
}

/** API keys past their expiry are revoked (they were already refused; now they also say so). */
export function revokeExpiredApiKeys(run: MaintenanceRun): Promise<number> {
  return run.count(
    "api_keys_expired",
    sql`expired as (
      update api_keys set revoked_at = expires_at
       where revoked_at is null and expires_at < now()
      returning tenant_id
    ), changed as (select tenant_id, count(*)::int as n from expired group by tenant_id)`,
  );
}

const IDEMPOTENCY_KEYS = DATA_CLASSES.filter((spec) => spec.dataClass === "idempotency_keys");

/**
 * The 15-minute maintenance: stuck and forgotten scrape and export jobs and imports, the webhook
 * outbox, usage reports Stripe never got, expired API keys, expired idempotency records. (There
 * are no denormalised counters to refresh yet.) True when all done.
 */
export async function runMaintenance(env: Env, run: MaintenanceRun, batchSize: number, logger: Logger) {
  for (const spec of JOB_QUEUES) {
    await requeueJobs(spec, env, run, logger);
    if (!run.hasTime()) return false;
  }
  await requeueImports(env, run, logger);
  if (!run.hasTime()) return false;
  await sweepWebhookOutbox(env, run, logger);
  if (!run.hasTime()) return false;
  await requeueUsageReports(env, run, logger);
  if (!run.hasTime()) return false;
  await revokeExpiredApiKeys(run);
  for (const spec of IDEMPOTENCY_KEYS) {
    if (!(await purgeClass(run, spec, batchSize))) return false;
  }
  return true;
}
