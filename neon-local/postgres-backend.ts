/**
 * Backend on a real Postgres server. Like Neon's proxy, it logs in AS the
 * user of the Neon-Connection-String (with its password); only host, port,
 * database and TLS options come from the backend URL. One small pool per
 * user lets concurrent requests run in parallel.
 */
import type { CustomTypesConfig, PoolClient, QueryArrayConfig } from "pg";
import pg from "pg";
import type { Backend, BackendRequest, ExecuteOptions } from "./backend";
import { ResponseTooLargeError } from "./limits";
import { beginStatement, PgError, type QueryInput, type RawQueryResult, textField } from "./protocol";

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Hands every value back as the raw text Postgres sent (pg's typings cannot express the identity parser). */
const rawText = { getTypeParser: () => (value: string) => value } as unknown as CustomTypesConfig;

/**
 * DISCARD ALL without its DISCARD PLANS (PostgreSQL's documented equivalent, one round trip).
 * Neon's HTTP proxy resets nothing: it hands an idle connection to the next request as it is,
 * session state and plan caches included (proxy/src/serverless/conn_pool_lib.rs, `put`). The
 * reset here is stricter than Neon about state a request could see, but keeps the plans: DISCARD
 * PLANS would re-plan every statement of every PL/pgSQL function (app.begin_request and the
 * policies' helpers) on every request, work Neon's connections never do. Cached plans are not
 * visible state: Postgres re-plans them itself when a table, function or role changes.
 */
const SESSION_RESET = [
  "CLOSE ALL",
  "SET SESSION AUTHORIZATION DEFAULT",
  "RESET ALL",
  "DEALLOCATE ALL",
  "UNLISTEN *",
  "SELECT pg_advisory_unlock_all()",
  "DISCARD TEMP",
  "DISCARD SEQUENCES",
].join("; ");

/** Connections per user unless told otherwise: how many of a role's requests run at once. */
export const DEFAULT_CONNECTIONS_PER_USER = 5;

export interface PostgresBackendOptions {
  /** e.g. postgres://postgres@127.0.0.1:5432/detecktiv_test */
  databaseUrl: string;
  /** Connections per user (default DEFAULT_CONNECTIONS_PER_USER). */
  maxConnectionsPerUser?: number;
  /**
   * Hand a connection to the next request as it is (an open transaction still rolled back), as
   * Neon's proxy does, instead of SESSION_RESET: what the api-throughput bench measures, where
   * the reset's eight statements would be Postgres work production never does (about 0.2 ms a
   * request). Tests and `npm run dev` keep the reset: nothing one request does is seen by the next.
   */
  keepSessions?: boolean;
}

export class PostgresBackend implements Backend {
  readonly name = "postgres" as const;
  readonly #url: URL;
  readonly #max: number;
  readonly #keepSessions: boolean;
  readonly #pools = new Map<string, pg.Pool>();

  constructor(options: PostgresBackendOptions) {
    this.#url = new URL(options.databaseUrl);
    this.#max = options.maxConnectionsPerUser ?? DEFAULT_CONNECTIONS_PER_USER;
    this.#keepSessions = options.keepSessions ?? false;
  }

  /** pg lets the connection string override explicit user/password, so they go in the URL. */
  #urlFor(user: string, password: string | undefined): string {
    const url = new URL(this.#url.href);
    url.username = encodeURIComponent(user);
    url.password = password === undefined ? "" : encodeURIComponent(password);
    return url.href;
  }

  #pool(user: string, password: string | undefined): pg.Pool {
    const key = JSON.stringify([user, password ?? null]);
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        connectionString: this.#urlFor(user, password),
        max: this.#max,
        idleTimeoutMillis: 10_000,
        allowExitOnIdle: true,
      });
      // An idle client dying (server restart) must not crash the process; the pool drops it.
      pool.on("error", () => {});
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async execute(request: BackendRequest, options: ExecuteOptions = {}): Promise<RawQueryResult[]> {
    const { signal } = options;
    signal?.throwIfAborted();
    let client: PoolClient;
    try {
      client = await this.#pool(request.user, request.password).connect();
    } catch (error) {
      // Login failures (unknown role, bad password) are Postgres errors the client should see.
      throw PgError.from(error) ?? error;
    }
    // As Neon does when the client goes away: cancel the running statement. The cancel is
    // awaited before the connection goes back to the pool, so it cannot hit the next request.
    let cancelling: Promise<void> | undefined;
    const cancel = () => {
      cancelling = this.#cancel(request, client);
    };
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      const results = request.batch
        ? await this.#batch(client, request, options)
        : await this.#single(client, request, options);
      signal?.removeEventListener("abort", cancel);
      await cancelling;
      client.release(await this.#settle(client));
      return results;
    } catch (error) {
      signal?.removeEventListener("abort", cancel);
      await cancelling;
      // A Postgres error, a cancel or one of our limits leaves the connection usable once
      // settled; anything else (protocol/network) leaves it in an unknown state.
      const usable = PgError.from(error) || error instanceof ResponseTooLargeError || signal?.aborted;
      client.release(usable ? await this.#settle(client) : asError(error));
      if (signal?.aborted) throw signal.reason;
      throw PgError.from(error) ?? error;
    }
  }

  /** pg_cancel_backend from a connection of its own, as the same role (a role may cancel its own queries). */
  async #cancel(request: BackendRequest, client: PoolClient): Promise<void> {
    const pid = (client as unknown as { processID: number | null }).processID;
    if (pid === null) return;
    const canceller = new pg.Client({ connectionString: this.#urlFor(request.user, request.password) });
    try {
      await canceller.connect();
      await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
    } catch {
      // Best effort: the statement then runs to its end and the batch is rolled back.
    } finally {
      await canceller.end().catch(() => {});
    }
  }

  /** A single statement runs in Postgres' implicit transaction, as on Neon. */
  async #single(client: PoolClient, request: BackendRequest, options: ExecuteOptions): Promise<RawQueryResult[]> {
    const [query] = request.queries;
    if (!query) return [];
    const result = await PostgresBackend.#query(client, query);
    options.onResult?.(result, 0);
    return [result];
  }

  async #batch(client: PoolClient, request: BackendRequest, options: ExecuteOptions): Promise<RawQueryResult[]> {
    await client.query(beginStatement(request));
    const results: RawQueryResult[] = [];
    for (const [index, query] of request.queries.entries()) {
      options.signal?.throwIfAborted();
      const result = await PostgresBackend.#query(client, query);
      options.onResult?.(result, index);
      results.push(result);
    }
    await client.query("COMMIT");
    return results;
  }

  /**
   * Returns the connection to the pool as a fresh session: rolls back any
   * transaction left open (a failed batch, or a single BEGIN) and resets
   * session state (SET, SET ROLE, temp tables...), so that, as with the
   * PGlite backend, nothing a request does is seen by the next one. Returns an
   * error (= "destroy this connection") if that fails.
   */
  async #settle(client: PoolClient): Promise<Error | undefined> {
    try {
      if (client.getTransactionStatus() !== "I") await client.query("ROLLBACK");
      if (!this.#keepSessions) await client.query(SESSION_RESET);
      return undefined;
    } catch (error) {
      return asError(error);
    }
  }

  static async #query(client: PoolClient, query: QueryInput): Promise<RawQueryResult> {
    // queryMode 'extended' even without params: Neon always uses the extended
    // protocol, which (unlike pg's simple-query shortcut) rejects several
    // statements in one query.
    const config: QueryArrayConfig & { queryMode: "extended" } = {
      text: query.query,
      values: query.params,
      rowMode: "array",
      types: rawText,
      queryMode: "extended",
    };
    const result = await client.query<(string | null)[]>(config);
    return {
      command: result.command ?? "",
      rowCount: result.rowCount ?? null,
      fields: result.fields.map(textField),
      rows: result.rows,
    };
  }

  /** Idempotent: the server and its creator may both close it. */
  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.end()));
  }
}
