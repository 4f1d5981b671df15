/**
 * The contract between the HTTP front (server.ts) and a database backend
 * (embedded PGlite or a real Postgres server).
 */
import type { RawQueryResult, SqlRequest } from "./protocol";

/** A validated `/sql` request as a backend needs it (the database name is the backend's own). */
export type BackendRequest = Omit<SqlRequest, "database">;

export interface Backend {
  readonly name: "pglite" | "postgres";
  /**
   * Runs the statements and returns one result per query, in order.
   * Rejects with a PgError for errors reported by Postgres (the server turns
   * it into HTTP 400) and with any other Error for infrastructure failures.
   */
  execute(request: BackendRequest): Promise<RawQueryResult[]>;
  /** Releases connections / shuts PGlite down (flushing its data directory). */
  close(): Promise<void>;
}
