import type { Config } from "../config/config";
import { type ApiDatabaseClient, createApiDatabaseClient } from "./client";
import { perRoundTripDeadline } from "./deadline";

/**
 * The API role's client for the Worker's own work outside a request (a queue message, a cron
 * step, a Durable Object's flush), under `requestId` in logs and audit entries, with a deadline
 * per round trip: the work between round trips (a scrape, an upload) is not the database's time.
 */
export function workerDatabaseFor(config: Config, requestId: string): ApiDatabaseClient {
  return createApiDatabaseClient({
    url: config.DATABASE_URL,
    fetchEndpoint: config.NEON_FETCH_ENDPOINT,
    requestId,
    assertionKey: config.DATABASE_ASSERTION_KEY,
    deadline: perRoundTripDeadline(config.DATABASE_TIMEOUT_MS),
  });
}

/** The same for one piece of work of `kind`, under a request id of its own: `<kind>-<id>`. */
export function workerDatabase(
  config: Config,
  kind: string,
  id: string = crypto.randomUUID(),
): { database: ApiDatabaseClient; requestId: string } {
  const requestId = `${kind}-${id}`;
  return { database: workerDatabaseFor(config, requestId), requestId };
}
