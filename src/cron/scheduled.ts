import { type Config, loadConfig } from "../config/config";
import type { Env } from "../config/env";
import { createDatabaseClient } from "../db/client";
import { perRoundTripDeadline } from "../db/deadline";
import { isDatabaseUnavailable } from "../db/errors";
import { createLogger, describeError, type Logger } from "../observability/logger";
import { refreshTrackedCompanies } from "./companies-house-refresh";
import { runMaintenance } from "./maintenance";
import { purgeExpired } from "./retention-purge";
import { MaintenanceRun, receiptError } from "./run";
import { type CronJob, cronJobFor } from "./schedules";

interface CronContext {
  env: Env;
  config: Config;
  requestId: string;
  run: MaintenanceRun;
  batchSize: number;
  logger: Logger;
}

/** Each returns whether it finished its work within the run's time budget. */
type CronHandler = (context: CronContext) => Promise<boolean>;

const HANDLERS: Record<CronJob, { job: MaintenanceRun["job"]; handle: CronHandler }> = {
  retentionPurge: {
    job: "retention_purge",
    handle: ({ env, run, batchSize, logger }) => purgeExpired(run, batchSize, logger, loadConfig(env)),
  },
  maintenance: {
    job: "maintenance",
    handle: ({ env, run, batchSize, logger }) => runMaintenance(env, run, batchSize, logger),
  },
  companiesHouseRefresh: {
    job: "companies_house_refresh",
    handle: async ({ env, config, run, requestId, logger }) =>
      (await refreshTrackedCompanies(env, config, run, requestId, logger)).paused === null,
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
    deadline: perRoundTripDeadline(config.DATABASE_TIMEOUT_MS),
    requestId,
  });
  const started = Date.now();
  const handler = HANDLERS[job];
  const run = new MaintenanceRun(database, handler.job, config.CRON_TIME_BUDGET_MS, config.CRON_MAX_STATEMENTS);
  logger.info("cron started", { job, request_id: requestId });
  let acquired: boolean;
  try {
    acquired = await run.start();
  } catch (error) {
    // No lease was taken (or it runs out on its own): the next run starts normally.
    if (!isDatabaseUnavailable(error)) throw error;
    logger.warn("cron not started: database unavailable; no receipt written", {
      job,
      code: "database_unavailable",
      ...describeError(error, { stack: false }),
    });
    return;
  }
  if (!acquired) {
    logger.warn("cron skipped: another run of this job holds the lease", { job });
    return;
  }
  let completed = false;
  try {
    completed = await handler.handle({ env, config, requestId, run, batchSize: config.RETENTION_BATCH_SIZE, logger });
  } catch (error) {
    const outage = isDatabaseUnavailable(error);
    const receipt = receiptError(error);
    logger[outage ? "warn" : "error"]("cron failed", { job, receipt, ...describeError(error), ...run.summary() });
    // If the receipt cannot be written either, the next run closes it as abandoned; the lease
    // runs out on its own, so that run is not held up.
    await run
      .finish(false, receipt)
      .catch((finishError: unknown) =>
        logger.warn("cron receipt could not be written", { job, ...describeError(finishError, { stack: false }) }),
      );
    // An outage is expected and recorded; anything else also fails the invocation, for the dashboard.
    if (!outage) throw error;
    return;
  }
  await run.finish(completed);
  logger.info("cron finished", { job, completed, duration_ms: Date.now() - started, ...run.summary() });
}
