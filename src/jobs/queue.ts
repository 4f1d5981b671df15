import type { Env } from "../config/env";
import type { ImportMessage } from "../imports/message";
import { createLogger } from "../observability/logger";
import { consumeWebhookBatch } from "../webhooks/consumer";
import type { WebhookMessage } from "../webhooks/message";
import { consumeBillingBatch } from "./billing/consumer";
import type { BillingMessage } from "./billing/message";
import { consumeExportBatch, consumeExportDeadLetters } from "./exports/consumer";
import type { ExportMessage } from "./exports/message";
import { consumeImportBatch, consumeImportDeadLetters } from "./imports/consumer";
import { consumeScrapeBatch, consumeScrapeDeadLetters } from "./scrape/consumer";
import type { ScrapeMessage } from "./scrape/message";

export type QueueMessage = ScrapeMessage | BillingMessage | WebhookMessage | ExportMessage | ImportMessage;

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
/** `detecktiv-imports`, `detecktiv-imports-dlq-staging`...: bulk imports (POST /v1/imports). */
export const isImportQueue = (queue: string) => /^detecktiv-imports(?:-dlq)?(?:-[a-z0-9]+)?$/.test(queue);

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
  if (isImportQueue(batch.queue)) {
    const imports = batch as MessageBatch<ImportMessage>;
    if (isDeadLetterQueue(batch.queue)) return consumeImportDeadLetters(imports, env, logger);
    return consumeImportBatch(imports, env, logger);
  }
  const scrape = batch as MessageBatch<ScrapeMessage>;
  if (isDeadLetterQueue(batch.queue)) return consumeScrapeDeadLetters(scrape, env, logger);
  return consumeScrapeBatch(scrape, env, logger);
}
