import { loadConfig } from "../config/config";
import type { Env } from "../config/env";
import { createDatabaseClient, type DatabaseClient } from "../db/client";
import { createLogger, type Logger } from "../observability/logger";
import { requeueScrapeJobs } from "./maintenance";
import { type CronJob, cronJobFor } from "./schedules";

interface CronContext {
  env: Env;
  controller: ScheduledController;
  /** As app_maintenance (MAINTENANCE_DATABASE_URL). */
  database: DatabaseClient;
  logger: Logger;
}

type CronHandler = (context: CronContext) => Promise<void>;

const HANDLERS: Record<CronJob, CronHandler> = {
  // Filled by the retention issue.
  retentionPurge: async () => {},
  maintenance: async ({ env, database, logger }) => {
    await requeueScrapeJobs(env, database, logger);
  },
};

export async function handleScheduled(
  controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  const job = cronJobFor(controller.cron);
  const logger = createLogger({
    cron: controller.cron,
    scheduled_time: new Date(controller.scheduledTime).toISOString(),
  });
  if (!job) {
    logger.error("no handler for cron schedule");
    return;
  }
  const config = loadConfig(env);
  if (!config.MAINTENANCE_DATABASE_URL) {
    logger.error("MAINTENANCE_DATABASE_URL is not set; cron skipped", { job });
    return;
  }
  const requestId = `cron-${crypto.randomUUID()}`;
  const database = createDatabaseClient({
    url: config.MAINTENANCE_DATABASE_URL,
    fetchEndpoint: config.NEON_FETCH_ENDPOINT,
    requestId,
  });
  const started = Date.now();
  logger.info("cron started", { job, request_id: requestId });
  await HANDLERS[job]({ env, controller, database, logger });
  logger.info("cron finished", { job, duration_ms: Date.now() - started });
}
