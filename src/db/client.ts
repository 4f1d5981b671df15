import { neon, neonConfig } from "@neondatabase/serverless";
import { type SQL, sql } from "drizzle-orm";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import * as schema from "./schema";

export type Database = NeonHttpDatabase<typeof schema>;

export interface DatabaseOptions {
  url: string;
  /** A local Neon-protocol server (development and tests); Neon itself when absent. */
  fetchEndpoint?: string | undefined;
  /** Tags every round trip so it can be found in Postgres logs and pg_stat_activity. */
  requestId: string;
}

/** One HTTP round trip per `batch()` or query. */
export interface DatabaseClient {
  db: Database;
  /** `/* request_id='…' *\/`, prefixed to the first statement of each round trip. */
  tag: SQL;
}

export function createDatabaseClient(options: DatabaseOptions): DatabaseClient {
  // neonConfig is global to the isolate; the value is the same for every request of an isolate.
  if (options.fetchEndpoint) neonConfig.fetchEndpoint = options.fetchEndpoint;
  return {
    // Batches are read-write at the HTTP level so app.begin_request can keep users and API keys
    // current; it then makes GET transactions read-only for every statement after it.
    db: drizzle({ client: neon(options.url), schema }),
    // The request id was validated to [A-Za-z0-9._:-] by the request-id middleware.
    tag: sql.raw(`/* request_id='${options.requestId}' */ `),
  };
}
