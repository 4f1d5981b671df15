/**
 * The contract between the HTTP front (server.ts) and a database backend
 * (embedded PGlite or a real Postgres server).
 */
import type { IsolationLevel, QueryInput, RawQueryResult } from "./protocol";

export interface BackendRequest {
  /** Role the statements run as (user of Neon-Connection-String). */
  user: string;
  /** Used to log in by the postgres backend; PGlite has no authentication. */
  password?: string;
  queries: QueryInput[];
  /** true: one transaction for all queries (all or nothing), with the options below. */
  batch: boolean;
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  deferrable?: boolean;
  /** Row shape wanted by the client; backends always return positional rows and the server shapes them. */
  arrayMode: boolean;
}

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
