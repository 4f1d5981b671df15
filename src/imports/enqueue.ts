import type { Env } from "../config/env";
import type { Logger } from "../observability/logger";
import type { ImportMessage } from "./message";

/**
 * Sends an import's id to the imports queue after its transaction committed. A failed send loses
 * nothing: the import is durable in Postgres and the maintenance cron sends imports nobody has
 * touched for a while, so the request still succeeds (and the failure is logged).
 */
export async function enqueueImport(env: Env, logger: Logger, importId: string, delaySeconds = 0): Promise<boolean> {
  const message: ImportMessage = { importId };
  try {
    await env.IMPORT_QUEUE.send(message, delaySeconds > 0 ? { delaySeconds } : undefined);
    return true;
  } catch (error) {
    logger.error("import not sent to the queue; the maintenance cron will", {
      import_id: importId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}
