import { type Config, loadConfig } from "../../config/config";
import type { Env } from "../../config/env";
import { findPostgresError, isDatabaseUnavailable } from "../../db/errors";
import { workerDatabase } from "../../db/worker-database";
import { describeError, type Logger } from "../../observability/logger";
import { ExportStore } from "./job-store";
import type { ExportMessage } from "./message";
import { writeExport } from "./write-export";

/** How long a consumer holds an export without a page; every page extends it. */
export const EXPORT_LEASE_SECONDS = 300;

/** Queue retries back off exponentially from 30 s, up to 15 minutes. */
export const exportRetryDelay = (attempts: number) => Math.min(15 * 60, 30 * 2 ** Math.max(0, attempts - 1));

/** A message body comes from the queue, not from our types: check it before any SQL. */
const isExportId = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f-]{36}$/i.test(value);

function storeFor(config: Config): ExportStore {
  const { database, requestId } = workerDatabase(config, "export");
  return new ExportStore(database, requestId, EXPORT_LEASE_SECONDS);
}

async function consumeOne(message: Message<ExportMessage>, env: Env, config: Config, logger: Logger) {
  const exportId = message.body?.exportId;
  if (!isExportId(exportId)) {
    logger.error("export message without an export id; dropped", { message_id: message.id });
    message.ack();
    return;
  }
  const store = storeFor(config);
  const leaseId = crypto.randomUUID();
  const log = { export_id: exportId, attempt: message.attempts };
  const job = await store.claim(exportId, leaseId);
  if (!job) {
    // Finished, or another consumer holds it: a duplicate delivery does the work once.
    logger.info("export not claimable; message acknowledged", log);
    message.ack();
    return;
  }
  const started = Date.now();
  try {
    const file = await writeExport(job, env.EXPORTS_BUCKET, (after, limit) => store.page(job, leaseId, after, limit));
    await store.succeed(job.id, leaseId, file);
    logger.info("export succeeded", {
      ...log,
      tenant_id: job.tenant_id,
      rows: file.rows,
      bytes: file.bytes,
      duration_ms: Date.now() - started,
    });
    message.ack();
  } catch (error) {
    if (findPostgresError(error)?.code === "DT409") {
      logger.warn("export taken over by another consumer; attempt dropped", log);
      message.ack();
      return;
    }
    const delaySeconds = exportRetryDelay(message.attempts);
    // The job gets our own sentence; what the runtime said goes to the log only.
    const reason = isDatabaseUnavailable(error) ? "the database was unavailable" : "an internal error";
    const detail = `Attempt ${job.attempts} stopped (${reason}); retried in ${delaySeconds} s.`;
    // If even this fails, the job keeps its lease: the retry waits for it to run out.
    const released = await store.release(job.id, leaseId, detail, delaySeconds).then(
      () => true,
      () => false,
    );
    const retryIn = released ? delaySeconds : Math.max(delaySeconds, EXPORT_LEASE_SECONDS);
    logger.warn("export will be retried", {
      ...log,
      tenant_id: job.tenant_id,
      delay_s: retryIn,
      ...describeError(error, { stack: false }),
    });
    message.retry({ delaySeconds: retryIn });
  }
}

/** Export consumer: each message names one export; messages of a batch run side by side. */
export async function consumeExportBatch(batch: MessageBatch<ExportMessage>, env: Env, logger: Logger) {
  const config = loadConfig(env);
  await Promise.all(
    batch.messages.map((message) =>
      consumeOne(message, env, config, logger).catch((error: unknown) => {
        // The claim itself failed: nothing was taken, try again later.
        const delaySeconds = exportRetryDelay(message.attempts);
        logger.warn("export message failed before its job was claimed", {
          export_id: message.body?.exportId,
          ...describeError(error, { stack: false }),
          delay_s: delaySeconds,
        });
        message.retry({ delaySeconds });
      }),
    ),
  );
}

/** Dead-letter consumer: the message exhausted its retries, so the export has failed. */
export async function consumeExportDeadLetters(batch: MessageBatch<ExportMessage>, env: Env, logger: Logger) {
  const config = loadConfig(env);
  for (const message of batch.messages) {
    const exportId = message.body?.exportId;
    try {
      const failed = isExportId(exportId)
        ? await storeFor(config).failDead(exportId, `Gave up after ${message.attempts} deliveries.`)
        : false;
      logger.error("export message dead-lettered", { export_id: exportId, attempts: message.attempts, failed });
      message.ack();
    } catch (error) {
      logger.error("dead-lettered export could not be marked failed", {
        export_id: exportId,
        ...describeError(error, { stack: false }),
      });
      message.retry({ delaySeconds: 60 });
    }
  }
}
