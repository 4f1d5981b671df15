import { type CompaniesHouse, companiesHouseClient } from "../../companies-house/client";
import { type Config, loadConfig } from "../../config/config";
import type { Env } from "../../config/env";
import { findPostgresError, isDatabaseUnavailable, toApiError } from "../../db/errors";
import { workerDatabase } from "../../db/worker-database";
import { ApiError } from "../../errors/api-error";
import { enqueueImport } from "../../imports/enqueue";
import type { ImportMessage } from "../../imports/message";
import { describeError, type Logger } from "../../observability/logger";
import { durableObjectRateLimiter } from "../../rate-limit/rate-limiter";
import { retryDelaySeconds } from "../scrape/consumer";
import { ImportStore, LEASE_LOST, type PendingRow } from "./import-store";

/** How long a consumer holds an import; a chunk of rows takes far less. */
export const IMPORT_LEASE_SECONDS = 300;
/** A pause waits at least this long (and at most 15 minutes), whatever Companies House says. */
const MIN_PAUSE_SECONDS = 5;
const MAX_PAUSE_SECONDS = 900;

const isImportId = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f-]{36}$/i.test(value);

function storeFor(config: Config): ImportStore {
  const { database, requestId } = workerDatabase(config, "import");
  return new ImportStore(database, requestId);
}

/** Why a chunk stopped early: Companies House (pause, rows kept) or our lease (another consumer has it). */
type Stop = { pause: number } | { leaseLost: true } | null;

/**
 * One chunk of an import: each row in its own transaction (its work, its metering and its
 * settlement together). A row's own failure (unknown number, unreadable data, quota used up) is
 * recorded on the row; Companies House being down or our shared budget being spent stops the
 * chunk with the row still pending.
 */
async function runChunk(
  rows: PendingRow[],
  work: { store: ImportStore; importId: string; leaseId: string },
  env: Env,
  config: Config,
  companiesHouse: CompaniesHouse | null,
  logger: Logger,
): Promise<Stop> {
  const { store, importId, leaseId } = work;
  const settled = new Set<number>();
  const quotaSpent = new Set<PendingRow["kind"]>();
  const baseUrl = config.COMPANIES_HOUSE_API_URL.replace(/\/$/, "");
  for (const row of rows) {
    if (settled.has(row.row_number) || quotaSpent.has(row.kind)) continue;
    try {
      if (row.kind === "company_number") {
        if (!companiesHouse) return { pause: MAX_PAUSE_SECONDS };
        const fetched = await companiesHouse.company(row.value);
        for (const n of await store.importCompany(importId, leaseId, row, fetched, baseUrl)) settled.add(n);
      } else {
        const { rows: done, jobId } = await store.importWebsite(importId, leaseId, row);
        for (const n of done) settled.add(n);
        if (jobId) await sendScrape(env, jobId, logger);
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === "unavailable") {
        const retryAfter = Number(error.options.headers?.["retry-after"] ?? MIN_PAUSE_SECONDS);
        return { pause: Math.min(MAX_PAUSE_SECONDS, Math.max(MIN_PAUSE_SECONDS, retryAfter || MIN_PAUSE_SECONDS)) };
      }
      if (error instanceof ApiError && (error.code === "not_found" || error.code === "bad_gateway")) {
        await store.failRow(importId, leaseId, row.row_number, error.code, error.detail);
        continue;
      }
      const code = findPostgresError(error)?.code;
      if (code === LEASE_LOST) return { leaseLost: true };
      if (code === "DT402") {
        // The metric's monthly quota is spent: every remaining row of this kind would be refused too.
        await store.failRemaining(importId, leaseId, row.kind, toApiError(error)?.detail ?? "Quota exceeded.");
        quotaSpent.add(row.kind);
        continue;
      }
      if (isDatabaseUnavailable(error)) throw error;
      // Anything else is this row's fault, not the import's: recorded, and the rest go on.
      logger.error("import row failed", { import_id: importId, row: row.row_number, ...describeError(error) });
      await store.failRow(importId, leaseId, row.row_number, "internal", "The row could not be imported.");
    }
  }
  return null;
}

/** A created company's scrape job: durable already, so a failed send is left to the maintenance cron. */
async function sendScrape(env: Env, jobId: string, logger: Logger) {
  try {
    await env.SCRAPE_QUEUE.send({ jobId });
  } catch (error) {
    logger.error("scrape job not sent to the queue; the maintenance cron will", {
      job_id: jobId,
      ...describeError(error),
    });
  }
}

async function consumeOne(message: Message<ImportMessage>, env: Env, config: Config, logger: Logger): Promise<void> {
  const importId = message.body?.importId;
  if (!isImportId(importId)) {
    logger.error("import message without an import id; dropped", { message_id: message.id });
    message.ack();
    return;
  }
  const log = logger.child({ import_id: importId, attempt: message.attempts });
  const store = storeFor(config);
  const leaseId = crypto.randomUUID();
  const claimed = await store.claim(importId, leaseId, IMPORT_LEASE_SECONDS, config.IMPORT_ROWS_PER_MESSAGE);
  if (!claimed) {
    // Finished, paused for a while, or another consumer holds it: a duplicate delivery does nothing.
    log.info("import not claimable; message acknowledged");
    message.ack();
    return;
  }
  const companiesHouse = config.COMPANIES_HOUSE_API_KEY
    ? companiesHouseClient({
        baseUrl: config.COMPANIES_HOUSE_API_URL.replace(/\/$/, ""),
        apiKey: config.COMPANIES_HOUSE_API_KEY,
        limiter: durableObjectRateLimiter(env.RATE_LIMITER, config.RATE_LIMIT_PLANS),
      })
    : null;
  let stop: Stop;
  try {
    stop = await runChunk(claimed.rows, { store, importId, leaseId }, env, config, companiesHouse, log);
  } catch (error) {
    // Our database failed mid-chunk: the rows not settled stay pending; hand the import back.
    // If even the release fails, the import keeps its lease: come back once it has run out.
    const released = await store.release(importId, leaseId, null).catch(() => false);
    const delaySeconds = released
      ? retryDelaySeconds(message.attempts)
      : Math.max(retryDelaySeconds(message.attempts), IMPORT_LEASE_SECONDS);
    log.warn("database unavailable; import will be retried", { delay_s: delaySeconds, ...describeError(error) });
    message.retry({ delaySeconds });
    return;
  }
  if (stop && "leaseLost" in stop) {
    log.warn("import taken over by another consumer");
    message.ack();
    return;
  }
  const pause = stop?.pause;
  if (pause === undefined && !claimed.more) {
    // The last rows settled the import (it completed in their transaction).
    message.ack();
    return;
  }
  if (!(await store.release(importId, leaseId, pause === undefined ? null : { resumeInSeconds: pause }))) {
    message.ack();
    return;
  }
  if (pause !== undefined)
    log.warn("import paused: Companies House unavailable or our budget spent", { delay_s: pause });
  // The next chunk comes as a new message (so other imports take turns); if it cannot be sent,
  // this one comes again instead.
  if (await enqueueImport(env, log, importId, pause ?? 0)) message.ack();
  else message.retry({ delaySeconds: pause ?? retryDelaySeconds(message.attempts) });
}

/** Import consumer: each message names one import, whose next chunk it works through. */
export async function consumeImportBatch(batch: MessageBatch<ImportMessage>, env: Env, logger: Logger): Promise<void> {
  const config = loadConfig(env);
  await Promise.all(
    batch.messages.map((message) =>
      consumeOne(message, env, config, logger).catch((error: unknown) => {
        // The claim itself failed (database unreachable): nothing was taken; try again later.
        const delaySeconds = retryDelaySeconds(message.attempts);
        logger[isDatabaseUnavailable(error) ? "warn" : "error"]("import message failed before its import was claimed", {
          import_id: message.body?.importId,
          ...describeError(error, { stack: false }),
          delay_s: delaySeconds,
        });
        message.retry({ delaySeconds });
      }),
    ),
  );
}

/**
 * Dead-letter consumer: the message failed on every delivery (our database down for long). The
 * rows are kept: the import is sent again later, never failed for an outage.
 */
export async function consumeImportDeadLetters(
  batch: MessageBatch<ImportMessage>,
  env: Env,
  logger: Logger,
): Promise<void> {
  for (const message of batch.messages) {
    const importId = message.body?.importId;
    logger.error("import message dead-lettered; sent again in 15 minutes", {
      import_id: importId,
      attempts: message.attempts,
    });
    if (!isImportId(importId) || (await enqueueImport(env, logger, importId, MAX_PAUSE_SECONDS))) message.ack();
    else message.retry({ delaySeconds: 60 });
  }
}
