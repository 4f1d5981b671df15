import type { Env } from "../config/env";
import { createLogger } from "../observability/logger";
import { type CronJob, cronJobFor } from "./schedules";

type CronHandler = (env: Env, controller: ScheduledController) => Promise<void>;

// Filled by the retention/maintenance issue; each runs under its own time budget.
const HANDLERS: Record<CronJob, CronHandler> = {
  retentionPurge: async () => {},
  maintenance: async () => {},
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
  const started = Date.now();
  logger.info("cron started", { job });
  await HANDLERS[job](env, controller);
  logger.info("cron finished", { job, duration_ms: Date.now() - started });
}
