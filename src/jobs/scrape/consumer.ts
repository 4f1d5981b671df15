import type { Env } from "../../config/env";
import type { Logger } from "../../observability/logger";
import type { ScrapeMessage } from "./message";

/**
 * Scrape consumer. The pipeline arrives with the scrape issue; until then a message is retried,
 * never acknowledged, so nothing sent to the queue is lost (after max_retries it moves to the
 * dead-letter queue).
 */
export async function consumeScrapeBatch(batch: MessageBatch<ScrapeMessage>, _env: Env, logger: Logger): Promise<void> {
  logger.warn("scrape consumer not yet enabled; retrying batch", {
    queue: batch.queue,
    messages: batch.messages.length,
  });
  batch.retryAll({ delaySeconds: 60 });
}

/**
 * Dead-letter consumer: the job's state lives in Postgres, so a dead message only needs to be
 * recorded. Marking the job failed arrives with the scrape issue.
 */
export async function consumeScrapeDeadLetters(
  batch: MessageBatch<ScrapeMessage>,
  _env: Env,
  logger: Logger,
): Promise<void> {
  for (const message of batch.messages) {
    logger.error("scrape message dead-lettered", {
      queue: batch.queue,
      job_id: message.body.jobId,
      attempts: message.attempts,
    });
    message.ack();
  }
}
