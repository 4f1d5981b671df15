import type { Config } from "../config/config";
import { type ApiDatabaseClient, createApiDatabaseClient } from "./client";
import { perRoundTripDeadline } from "./deadline";

/**
 * The database as queue consumers reach it: the API's role, the Worker's signed identity per
 * round trip (`begin({ kind: "worker" })`), and each round trip with its own deadline.
 */
export function workerDatabaseClient(config: Config, requestId: string): ApiDatabaseClient {
  return createApiDatabaseClient({
    url: config.DATABASE_URL,
    fetchEndpoint: config.NEON_FETCH_ENDPOINT,
    requestId,
    assertionKey: config.DATABASE_ASSERTION_KEY,
    deadline: perRoundTripDeadline(config.DATABASE_TIMEOUT_MS),
  });
}
