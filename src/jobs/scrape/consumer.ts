import { type Config, loadConfig } from "../../config/config";
import type { Env } from "../../config/env";
import { findPostgresError, isDatabaseUnavailable } from "../../db/errors";
import { workerDatabaseClient } from "../../db/worker-database";
import { describeError, type Logger } from "../../observability/logger";
import { failureDetail, logDetail, ScrapeError } from "../../scrape/scrape-error";
import { type HostGate, type ScrapeSettings, scrapeSite } from "../../scrape/scrape-site";
import { sendDeliveries } from "../../webhooks/outbox";
import { type ClaimedJob, JobStore } from "./job-store";
import type { ScrapeMessage } from "./message";

/** How long a consumer holds a job; it stops starting pages well before (SCRAPE_BUDGET_MS). */
export const LEASE_SECONDS = 300;
const SCRAPE_BUDGET_MS = 180_000;
/** Queue retries back off exponentially from 30 s, up to 15 minutes (a site's Retry-After up to 1 h). */
export function retryDelaySeconds(attempts: number, retryAfter?: number): number {
  const backoff = Math.min(15 * 60, 30 * 2 ** Math.max(0, attempts - 1));
  return retryAfter ? Math.min(3600, Math.max(backoff, retryAfter)) : backoff;
}

/** A message body comes from the queue, not from our types: check it before any SQL. */
const isJobId = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f-]{36}$/i.test(value);

function settingsOf(config: Config): ScrapeSettings {
  return {
    userAgent: config.SCRAPE_USER_AGENT,
    maxPages: config.SCRAPE_MAX_PAGES,
    minHostDelayMs: config.SCRAPE_MIN_HOST_DELAY_MS,
    timeoutMs: config.SCRAPE_TIMEOUT_MS,
    maxBytes: config.SCRAPE_MAX_BYTES,
    allowPrivateNetworks: config.SCRAPE_ALLOW_PRIVATE_NETWORKS,
    budgetMs: SCRAPE_BUDGET_MS,
  };
}

/** The HostThrottle Durable Object, one instance per host. */
function hostGate(namespace: Env["HOST_THROTTLE"]): HostGate {
  const stub = (host: string) => namespace.get(namespace.idFromName(`host:${host}`));
  return {
    acquire: (host, delayMs, holdMs) => stub(host).acquire(delayMs, holdMs),
    release: (host) => stub(host).release(),
    robots: (host, origin) => stub(host).robots(origin),
    storeRobots: (host, origin, robots) => stub(host).storeRobots(origin, robots),
  };
}

function storeFor(config: Config): JobStore {
  const requestId = `queue-${crypto.randomUUID()}`;
  return new JobStore(workerDatabaseClient(config, requestId), requestId);
}

async function consumeOne(message: Message<ScrapeMessage>, env: Env, config: Config, logger: Logger): Promise<void> {
  const jobId = message.body?.jobId;
  if (!isJobId(jobId)) {
    logger.error("scrape message without a job id; dropped", { message_id: message.id });
    message.ack();
    return;
  }
  const store = storeFor(config);
  const leaseId = crypto.randomUUID();
  const log = { job_id: jobId, attempt: message.attempts };
  const job = await store.claim(jobId, leaseId, LEASE_SECONDS);
  if (!job) {
    // Finished, or another consumer holds it: a duplicate delivery does the work once.
    logger.info("scrape job not claimable; message acknowledged", log);
    message.ack();
    return;
  }
  const started = Date.now();
  try {
    const scrape = await scrapeSite(new URL(job.url), settingsOf(config), hostGate(env.HOST_THROTTLE));
    await sendDeliveries(env, await store.succeed(job, leaseId, scrape), logger);
    logger.info("scrape job succeeded", {
      ...log,
      tenant_id: job.tenant_id,
      pages: scrape.pages.length,
      technologies: scrape.technologies.length,
      duration_ms: Date.now() - started,
    });
    message.ack();
  } catch (thrown) {
    let error = thrown;
    if (findPostgresError(error)?.code === "DT409") {
      logger.warn("scrape job taken over by another consumer; result dropped", log);
      message.ack();
      return;
    }
    if (error instanceof ScrapeError && !error.transient) {
      try {
        await sendDeliveries(env, await store.fail(jobId, leaseId, error.reason, error.message), logger);
        logger.info("scrape job failed", { ...log, tenant_id: job.tenant_id, reason: error.reason });
        message.ack();
        return;
      } catch (failError) {
        if (!isDatabaseUnavailable(failError)) throw failError;
        error = failError;
      }
    }
    if (isDatabaseUnavailable(error)) {
      await setBackAfterOutage(store, job, leaseId, message, logger.child({ ...log, tenant_id: job.tenant_id }));
      return;
    }
    const reason = error instanceof ScrapeError ? error.reason : "internal_error";
    // The job gets our own sentence; what the runtime said goes to the log only.
    const detail = failureDetail(error);
    const delaySeconds = retryDelaySeconds(
      message.attempts,
      error instanceof ScrapeError ? error.retryAfterSeconds : undefined,
    );
    // Back to queued so the retry can claim it at once; if even this fails, the job keeps its
    // lease, so the retry waits for the lease to run out (or the maintenance cron requeues it).
    const released = await store.release(jobId, leaseId, reason, detail, delaySeconds).then(
      () => true,
      (releaseError: unknown) => {
        logger.error("scrape job release failed", { ...log, ...describeError(releaseError, { stack: false }) });
        return false;
      },
    );
    const retryIn = released ? delaySeconds : Math.max(delaySeconds, LEASE_SECONDS);
    logger.warn("scrape job will be retried", {
      ...log,
      tenant_id: job.tenant_id,
      reason,
      delay_s: retryIn,
      error: logDetail(error),
    });
    message.retry({ delaySeconds: retryIn });
  }
}

/**
 * The database failed after the claim: our outage, not the site's failure. The job goes back to
 * the queue with the claim's attempt given back and no failure recorded, and the message comes
 * again with backoff. If the database is still down, the job keeps its lease, and the message
 * comes back once the lease has run out so that its claim can take the job again.
 */
async function setBackAfterOutage(
  store: JobStore,
  job: ClaimedJob,
  leaseId: string,
  message: Message<ScrapeMessage>,
  logger: Logger,
): Promise<void> {
  const delaySeconds = retryDelaySeconds(message.attempts);
  const setBack = await store.setBack(job.id, leaseId, delaySeconds).then(
    () => true,
    () => false,
  );
  const retryIn = setBack ? delaySeconds : Math.max(delaySeconds, LEASE_SECONDS);
  logger.warn("database unavailable; scrape job will be retried", {
    code: "database_unavailable",
    set_back: setBack,
    delay_s: retryIn,
  });
  message.retry({ delaySeconds: retryIn });
}

/** Scrape consumer: each message names one job; messages of a batch run side by side. */
export async function consumeScrapeBatch(batch: MessageBatch<ScrapeMessage>, env: Env, logger: Logger): Promise<void> {
  const config = loadConfig(env);
  await Promise.all(
    batch.messages.map((message) =>
      consumeOne(message, env, config, logger).catch((error: unknown) => {
        // The claim itself failed (database unreachable): nothing was taken or charged, try again later.
        const outage = isDatabaseUnavailable(error);
        const delaySeconds = retryDelaySeconds(message.attempts);
        logger[outage ? "warn" : "error"]("scrape message failed before its job was claimed", {
          job_id: message.body?.jobId,
          ...(outage ? { code: "database_unavailable" } : {}),
          ...describeError(error, { stack: false }),
          delay_s: delaySeconds,
        });
        message.retry({ delaySeconds });
      }),
    ),
  );
}

/**
 * Dead-letter consumer: the message exhausted its retries, so the job has failed
 * (`retries_exhausted`, keeping the last transient reason in the detail).
 */
export async function consumeScrapeDeadLetters(
  batch: MessageBatch<ScrapeMessage>,
  env: Env,
  logger: Logger,
): Promise<void> {
  const config = loadConfig(env);
  for (const message of batch.messages) {
    const jobId = message.body?.jobId;
    try {
      const failed = isJobId(jobId)
        ? await storeFor(config).failDead(jobId, `Gave up after ${message.attempts} deliveries`)
        : false;
      logger.error("scrape message dead-lettered", { job_id: jobId, attempts: message.attempts, job_failed: failed });
      message.ack();
    } catch (error) {
      logger.error("dead-lettered scrape job could not be marked failed", { job_id: jobId, error: String(error) });
      message.retry({ delaySeconds: 60 });
    }
  }
}
