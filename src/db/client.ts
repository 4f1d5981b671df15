import { neon, neonConfig } from "@neondatabase/serverless";
import { type SQL, sql } from "drizzle-orm";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import type { DatabaseDeadline } from "./deadline";
import { type AssertionClaims, requestSigner } from "./request-assertion";
import { databaseFetch, roundTripFetchOptions } from "./round-trip";

// No `schema` for drizzle: the app uses the query builder and `sql`, never the relational
// `db.query` API, and building its relational config from the schema cost ~0.25 ms of CPU on
// every request (drizzle is made per request, with the request's deadline).
export type Database = NeonHttpDatabase;

export interface DatabaseOptions {
  url: string;
  /** A local Neon-protocol server (development and tests); Neon itself when absent. */
  fetchEndpoint?: string | undefined;
  /** Tags every round trip so it can be found in Postgres logs and pg_stat_activity. */
  requestId: string;
  /** Bounds every round trip (see sharedDeadline / perRoundTripDeadline). */
  deadline: DatabaseDeadline;
}

/** One HTTP round trip per `batch()` or query. */
export interface DatabaseClient {
  db: Database;
  /** `/* request_id='…' *\/`, prefixed to the first statement of each round trip. */
  tag: SQL;
  /**
   * The same database and deadline for read-only work: a round trip that got no answer at all
   * (refused, or the connection dropped before any response) is sent once more within the
   * deadline. Writes never are: Postgres may have run them. Built on first use.
   */
  readOnlyDb(): Database;
}

/** The API role's client: its round trips open with a signed app.begin_request. */
export interface ApiDatabaseClient extends DatabaseClient {
  /** The `app.begin_request(...)` statement that opens a round trip as these claims. */
  begin(claims: AssertionClaims): Promise<SQL>;
}

export function createDatabaseClient(options: DatabaseOptions): DatabaseClient {
  // Global to the isolate, and the same function for every client: each client's own endpoint
  // and deadline travel in its fetchOptions, so concurrent requests never share them.
  neonConfig.fetchFunction = databaseFetch;
  const connect = (resendUnanswered: boolean): Database => {
    const fetchOptions = roundTripFetchOptions({
      deadline: options.deadline,
      endpoint: options.fetchEndpoint,
      resendUnanswered,
    });
    return drizzle({ client: neon(options.url, { fetchOptions }) });
  };
  // The request id was validated to [A-Za-z0-9._:-] by the request-id middleware. A comment
  // cannot be a parameter: sql.raw is the only way to put it in the statement.
  const tag = sql.raw(`/* request_id='${options.requestId}' */ `);
  let db: Database | undefined;
  let readOnlyDb: Database | undefined;
  const client = {
    tag,
    readOnlyDb: () => {
      readOnlyDb ??= connect(true);
      return readOnlyDb;
    },
  } as DatabaseClient;
  // Batches are read-write at the HTTP level so app.begin_request can keep users and API keys
  // current; it then makes GET transactions read-only for every statement after it.
  // Built on first read: /health, refused and throttled requests, GETs (readOnlyDb) and requests
  // that never use the maintenance role need no driver. Not enumerable, so `{ ...client, db: other }`
  // neither builds it nor loses the override.
  Object.defineProperty(client, "db", {
    get: () => {
      db ??= connect(false);
      return db;
    },
    enumerable: false,
  });
  return client;
}

/** `assertionKey` is DATABASE_ASSERTION_KEY, the key the database verifies assertions with. */
export function createApiDatabaseClient(options: DatabaseOptions & { assertionKey: string }): ApiDatabaseClient {
  const client = createDatabaseClient(options);
  const signer = requestSigner(options.assertionKey);
  // No statement may outlive the Worker's deadline: one the Worker gave up on must not go on
  // holding locks, or commit long after its 503.
  const statement_timeout_ms = options.deadline.timeoutMs;
  // Assigned, not spread: a spread would build the lazy `db` (see createDatabaseClient).
  return Object.assign(client, {
    begin: (claims: AssertionClaims) => signer.beginRequest({ ...claims, statement_timeout_ms }, client.tag),
  });
}
