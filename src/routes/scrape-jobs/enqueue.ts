import type { Context } from "hono";
import type { AppEnv } from "../../app-env";

/**
 * Sends a queued job's id to the scrape queue, after the job's transaction committed. A failed
 * send loses nothing: the job is durable in Postgres and the maintenance cron re-sends jobs left
 * queued, so the request still succeeds (and the failure is logged).
 */
export async function enqueueScrapeJob(c: Context<AppEnv>, jobId: string): Promise<void> {
  try {
    await c.env.SCRAPE_QUEUE.send({ jobId });
  } catch (error) {
    c.var.logger.error("scrape job not sent to the queue; the maintenance cron will", {
      job_id: jobId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
