import type { Config } from "../config/config";
import { type ApiDatabaseClient, createApiDatabaseClient } from "./client";
import { perRoundTripDeadline } from "./deadline";

/**
 * The API role's client for a queue consumer's work on one message: its own request id (named
 * `<kind>-<uuid>` in logs and audit entries) and a deadline per round trip, since the work between
 * round trips (a scrape, an upload) is not the database's time.
 */
export function workerDatabase(config: Config, kind: string): { database: ApiDatabaseClient; requestId: string } {
  const requestId = `${kind}-${crypto.randomUUID()}`;
  const database = createApiDatabaseClient({
    url: config.DATABASE_URL,
    fetchEndpoint: config.NEON_FETCH_ENDPOINT,
    requestId,
    assertionKey: config.DATABASE_ASSERTION_KEY,
    deadline: perRoundTripDeadline(config.DATABASE_TIMEOUT_MS),
  });
  return { database, requestId };
}
