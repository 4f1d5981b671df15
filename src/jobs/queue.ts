import type { Env } from "../config/env";
import { createLogger } from "../observability/logger";
import { consumeWebhookBatch } from "../webhooks/consumer";
import type { WebhookMessage } from "../webhooks/message";
import { consumeScrapeBatch, consumeScrapeDeadLetters } from "./scrape/consumer";
import type { ScrapeMessage } from "./scrape/message";

export type QueueMessage = ScrapeMessage | WebhookMessage;

/** Queue names differ per environment (`detecktiv-scrape-dlq-staging`), the suffix does not. */
export function isDeadLetterQueue(queue: string): boolean {
  return /-dlq(?:-[a-z0-9]+)?$/.test(queue);
}

export function isWebhookQueue(queue: string): boolean {
  return /^detecktiv-webhooks(?:-[a-z0-9]+)?$/.test(queue);
}

export async function handleQueue(batch: MessageBatch<QueueMessage>, env: Env, _ctx: ExecutionContext): Promise<void> {
  const logger = createLogger({ queue: batch.queue });
  if (isWebhookQueue(batch.queue)) return consumeWebhookBatch(batch as MessageBatch<WebhookMessage>, env, logger);
  if (isDeadLetterQueue(batch.queue))
    return consumeScrapeDeadLetters(batch as MessageBatch<ScrapeMessage>, env, logger);
  return consumeScrapeBatch(batch as MessageBatch<ScrapeMessage>, env, logger);
}
