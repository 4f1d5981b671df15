import { sql } from "drizzle-orm";
import type { Env } from "../config/env";
import type { DatabaseClient } from "../db/client";
import type { Logger } from "../observability/logger";

/** A queued job untouched this long has probably lost its message (a failed send). */
const FORGOTTEN_AFTER = "10 minutes";
/** Jobs put back per run; the next run takes the rest. */
const MAX_JOBS_PER_RUN = 1000;
/** Queues.sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

/**
 * Puts scrape jobs back on the queue: running jobs whose lease ran out (their consumer died) and
 * queued jobs nobody has touched for a while (their message was never sent or got lost). A
 * duplicate message is harmless: the consumer's claim lets one through.
 */
export async function requeueScrapeJobs(env: Env, database: DatabaseClient, logger: Logger): Promise<number> {
  const { db, tag } = database;
  const result = await db.execute<{ id: string; was: string }>(sql`${tag}with stale as (
      select id, status from scrape_jobs
       where (status = 'running' and lease_expires_at < now())
          or (status = 'queued' and updated_at < now() - ${FORGOTTEN_AFTER}::interval)
       order by updated_at
       limit ${MAX_JOBS_PER_RUN}
       for update skip locked
    )
    update scrape_jobs j set status = 'queued', lease_id = null, lease_expires_at = null
      from stale where j.id = stale.id
    returning j.id, stale.status as was`);
  const ids = result.rows.map((row) => row.id);
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    await env.SCRAPE_QUEUE.sendBatch(ids.slice(i, i + SEND_BATCH).map((jobId) => ({ body: { jobId } })));
  }
  if (ids.length > 0) {
    logger.info("scrape jobs requeued", {
      stuck_running: result.rows.filter((row) => row.was === "running").length,
      forgotten_queued: result.rows.filter((row) => row.was === "queued").length,
    });
  }
  return ids.length;
}
