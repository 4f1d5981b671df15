import { sql } from "drizzle-orm";
import type { Env } from "../config/env";
import type { Logger } from "../observability/logger";
import { MAX_QUEUE_DELAY_SECONDS } from "./schedule";

/**
 * The last statement of a read-write batch: the deliveries its own transaction created (events
 * recorded by triggers fan out to endpoints in the same transaction). Without a transaction id
 * (nothing written) it finds nothing at once; the partial index keeps it one probe otherwise.
 */
export const ownDeliveries = sql`select id from webhook_deliveries
  where txid = pg_current_xact_id_if_assigned() and status = 'pending'`;

/** Queues.sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

/**
 * Sends deliveries to the webhook queue once their transaction has committed. A failed send
 * loses nothing: the deliveries are pending in Postgres and the maintenance cron's sweep sends
 * them again, so the failure is only logged.
 */
export async function sendDeliveries(
  env: Pick<Env, "WEBHOOK_QUEUE">,
  ids: string[],
  logger: Logger,
  delaySeconds = 0,
): Promise<void> {
  const delay = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds)));
  try {
    for (let i = 0; i < ids.length; i += SEND_BATCH) {
      await env.WEBHOOK_QUEUE.sendBatch(
        ids.slice(i, i + SEND_BATCH).map((deliveryId) => ({ body: { deliveryId }, delaySeconds: delay })),
      );
    }
  } catch (error) {
    logger.error("webhook deliveries not sent to the queue; the outbox sweep will", {
      deliveries: ids.length,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
