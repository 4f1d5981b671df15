import type { Env } from "../config/env";
import { createLogger } from "../observability/logger";
import { consumeScrapeBatch, consumeScrapeDeadLetters } from "./scrape/consumer";
import type { ScrapeMessage } from "./scrape/message";

/** Queue names differ per environment (`detecktiv-scrape-dlq-staging`), the suffix does not. */
export function isDeadLetterQueue(queue: string): boolean {
  return /-dlq(?:-[a-z0-9]+)?$/.test(queue);
}

export async function handleQueue(batch: MessageBatch<ScrapeMessage>, env: Env, _ctx: ExecutionContext): Promise<void> {
  const logger = createLogger({ queue: batch.queue });
  if (isDeadLetterQueue(batch.queue)) return consumeScrapeDeadLetters(batch, env, logger);
  return consumeScrapeBatch(batch, env, logger);
}
