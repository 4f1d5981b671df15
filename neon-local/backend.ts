/**
 * The contract between the HTTP front (server.ts) and a database backend
 * (embedded PGlite or a real Postgres server).
 */
import type { RawQueryResult, SqlRequest } from "./protocol";

/** A validated `/sql` request as a backend needs it (the database name is the backend's own). */
export type BackendRequest = Omit<SqlRequest, "database">;

export interface ExecuteOptions {
  /**
   * Aborted when the client has gone away: the backend stops before the next
   * statement, cancels the running one where it can, and rolls a batch back.
   */
  signal?: AbortSignal;
  /**
   * Receives each statement's result as soon as it is complete, before the
   * next statement and before COMMIT. If it throws, the request stops there
   * (a batch is rolled back) and execute() rejects with that error.
   */
  onResult?: (result: RawQueryResult, index: number) => void;
}

export interface Backend {
  readonly name: "pglite" | "postgres";
  /**
   * Runs the statements and returns one result per query, in order.
   * Rejects with a PgError for errors reported by Postgres (the server turns
   * it into HTTP 400), with the signal's reason when the client went away,
   * and with any other Error for infrastructure failures.
   */
  execute(request: BackendRequest, options?: ExecuteOptions): Promise<RawQueryResult[]>;
  /** Releases connections / shuts PGlite down (flushing its data directory). */
  close(): Promise<void>;
}
