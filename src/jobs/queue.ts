import type { Env } from "../config/env";
import { createLogger } from "../observability/logger";
import { consumeWebhookBatch } from "../webhooks/consumer";
import type { WebhookMessage } from "../webhooks/message";
import { consumeBillingBatch } from "./billing/consumer";
import type { BillingMessage } from "./billing/message";
import { consumeExportBatch, consumeExportDeadLetters } from "./exports/consumer";
import type { ExportMessage } from "./exports/message";
import { consumeScrapeBatch, consumeScrapeDeadLetters } from "./scrape/consumer";
import type { ScrapeMessage } from "./scrape/message";

export type QueueMessage = ScrapeMessage | BillingMessage | WebhookMessage | ExportMessage;

/** Queue names differ per environment (`detecktiv-scrape-dlq-staging`), the suffix does not. */
export function isDeadLetterQueue(queue: string): boolean {
  return /-dlq(?:-[a-z0-9]+)?$/.test(queue);
}

/** `detecktiv-billing`, `detecktiv-billing-staging`...: Stripe usage reports. */
export const isBillingQueue = (queue: string) => /^detecktiv-billing(?:-[a-z0-9]+)?$/.test(queue);

/** `detecktiv-webhooks`, `detecktiv-webhooks-staging`...: webhook deliveries. */
export const isWebhookQueue = (queue: string) => /^detecktiv-webhooks(?:-[a-z0-9]+)?$/.test(queue);

/** `detecktiv-exports`, `detecktiv-exports-dlq-staging`...: export jobs and their dead letters. */
export const isExportQueue = (queue: string) => /^detecktiv-exports(?:-[a-z0-9]+)*$/.test(queue);

export async function handleQueue(batch: MessageBatch<QueueMessage>, env: Env, _ctx: ExecutionContext): Promise<void> {
  const logger = createLogger({ queue: batch.queue });
  if (isBillingQueue(batch.queue)) return consumeBillingBatch(batch as MessageBatch<BillingMessage>, env, logger);
  if (isWebhookQueue(batch.queue)) return consumeWebhookBatch(batch as MessageBatch<WebhookMessage>, env, logger);
  if (isExportQueue(batch.queue)) {
    const exports = batch as MessageBatch<ExportMessage>;
    return isDeadLetterQueue(batch.queue)
      ? consumeExportDeadLetters(exports, env, logger)
      : consumeExportBatch(exports, env, logger);
  }
  const scrape = batch as MessageBatch<ScrapeMessage>;
  if (isDeadLetterQueue(batch.queue)) return consumeScrapeDeadLetters(scrape, env, logger);
  return consumeScrapeBatch(scrape, env, logger);
}
