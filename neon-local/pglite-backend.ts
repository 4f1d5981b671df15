/**
 * Backend on embedded PGlite (Postgres compiled to WASM, one single-user
 * session). We talk to it at the wire-protocol level (Parse/Bind/Describe/
 * Execute/Sync through `execProtocol`) rather than through `pg.query()`,
 * because that is the only way to get exactly what Neon's proxy returns:
 * - params bound as untyped text, so the server infers their types;
 * - DataRow values untouched, i.e. Postgres' own text output (bytea `\x..`,
 *   arrays `{1,2}`, timestamptz in the session TimeZone...);
 * - the real RowDescription (type OIDs, table/column ids, typmod) and the
 *   command tag (`INSERT 0 3`).
 *
 * There is one session, so requests are serialised and every request leaves
 * the session as it found it (idle, default role, default settings).
 *
 * PGlite runs Postgres on the JavaScript thread, so nothing can interrupt a
 * running statement: Postgres' own timers (statement_timeout) never fire, and
 * a client that goes away is only noticed between statements. statement_timeout
 * is therefore emulated after the fact: a statement that ran longer than the
 * timeout in force when it started fails with 57014, as Postgres would have
 * failed it, and a batch is rolled back. Only the moment differs (at the end,
 * not at the deadline), and a single statement outside a batch has already
 * committed by then.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite, protocol } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import type { Backend, BackendRequest, ExecuteOptions } from "./backend";
import {
  beginStatement,
  type FieldDescription,
  PgError,
  parseCommandTag,
  type QueryInput,
  quoteIdentifier,
  type RawQueryResult,
  textField,
} from "./protocol";

// The protocol message classes are only exported as values, hence InstanceType.
type Message = Awaited<ReturnType<PGlite["execProtocol"]>>["messages"][number];
type RowDescriptionMessage = InstanceType<typeof protocol.messages.RowDescriptionMessage>;
type DataRowMessage = InstanceType<typeof protocol.messages.DataRowMessage>;
type CommandCompleteMessage = InstanceType<typeof protocol.messages.CommandCompleteMessage>;
type ReadyForQueryMessage = InstanceType<typeof protocol.messages.ReadyForQueryMessage>;

const { serialize } = protocol;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Postgres shows a time setting in the largest unit that divides it: `0`, `250ms`, `5s`, `2min`, `1h`, `1d`. */
const TIME_UNITS_MS: Record<string, number> = { "": 1, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

function timeoutMs(shown: string): number {
  const match = /^(\d+)\s*(ms|s|min|h|d)?$/.exec(shown.trim());
  return match ? Number(match[1]) * (TIME_UNITS_MS[match[2] ?? ""] ?? 1) : 0;
}

export interface PgliteBackendOptions {
  /** Directory for persistent data; in-memory when omitted. */
  dataDir?: string;
}

export class PgliteBackend implements Backend {
  readonly name = "pglite" as const;
  readonly #db: PGlite;
  /** The role PGlite's session is authenticated as; requests by it need no role switch. */
  readonly #superuser: string;
  /** Transaction status from the last ReadyForQuery: I(dle), T(in transaction), E(rror). */
  #status = "I";
  #closing: Promise<void> | undefined;

  private constructor(db: PGlite, superuser: string) {
    this.#db = db;
    this.#superuser = superuser;
  }

  static async create(options: PgliteBackendOptions = {}): Promise<PgliteBackend> {
    let dataDir: string | undefined;
    if (options.dataDir !== undefined) {
      dataDir = resolve(options.dataDir);
      mkdirSync(dataDir, { recursive: true });
    }
    // Extensions must be registered at start-up so migrations can CREATE EXTENSION them.
    const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { btree_gin, pg_trgm, pgcrypto } });
    const who = await db.query<{ user: string }>('SELECT current_user AS "user"');
    return new PgliteBackend(db, who.rows[0]?.user ?? "postgres");
  }

  execute(request: BackendRequest, options: ExecuteOptions = {}): Promise<RawQueryResult[]> {
    // runExclusive is PGlite's own query mutex: it queues requests so that
    // one request's statements never interleave with another's.
    return this.#db.runExclusive(async () => {
      try {
        // A client that left while the request waited in the queue.
        options.signal?.throwIfAborted();
        return request.batch ? await this.#batch(request, options) : await this.#single(request, options);
      } finally {
        await this.#reset();
      }
    });
  }

  /** Idempotent: the server and its creator may both close it. Waits for queued requests. */
  close(): Promise<void> {
    this.#closing ??= this.#db.close();
    return this.#closing;
  }

  /**
   * A single statement runs in an implicit transaction, exactly as Neon runs
   * it (so VACUUM, CREATE INDEX CONCURRENTLY... work). The role is switched at
   * session level because there is no transaction to scope it to; #reset()
   * undoes it.
   */
  async #single(request: BackendRequest, options: ExecuteOptions): Promise<RawQueryResult[]> {
    if (request.user !== this.#superuser) await this.#simple(`SET ROLE ${quoteIdentifier(request.user)}`);
    const [query] = request.queries;
    if (!query) return [];
    const result = await this.#extended(query);
    options.onResult?.(result, 0);
    return [result];
  }

  /** A batch is one transaction with the requested options, all or nothing. */
  async #batch(request: BackendRequest, options: ExecuteOptions): Promise<RawQueryResult[]> {
    await this.#simple(beginStatement(request));
    if (request.user !== this.#superuser) await this.#simple(`SET LOCAL ROLE ${quoteIdentifier(request.user)}`);
    const results: RawQueryResult[] = [];
    for (const [index, query] of request.queries.entries()) {
      options.signal?.throwIfAborted();
      const result = await this.#extended(query);
      options.onResult?.(result, index);
      results.push(result);
    }
    // COMMIT can fail too (deferred constraints); #simple throws and #reset rolls back.
    await this.#simple("COMMIT");
    return results;
  }

  /**
   * Brings the session back to a pristine state whatever happened: ends any
   * transaction (failed statement, or a client that sent BEGIN), then
   * DISCARD ALL resets the role, session-level SETs, temp tables, prepared
   * statements, advisory locks and LISTENs a request may have left behind.
   */
  async #reset(): Promise<void> {
    try {
      if (this.#status !== "I") await this.#simple("ROLLBACK");
      await this.#simple("DISCARD ALL");
    } catch (error) {
      // Not the client's fault, and the session may now leak state: report a
      // server error (500), not a query error (400).
      throw new Error(
        `neon-local could not reset the PGlite session: ${error instanceof Error ? error.message : error}`,
      );
    }
    await this.#db.syncToFs();
  }

  async #send(message: Uint8Array): Promise<Message[]> {
    // throwOnError: false so that we always consume the whole exchange up to
    // ReadyForQuery and can report the first error ourselves.
    const { messages } = await this.#db.execProtocol(message, { throwOnError: false, syncToFs: false });
    for (const m of messages) {
      if (m.name === "readyForQuery") this.#status = (m as ReadyForQueryMessage).status;
    }
    return messages;
  }

  /** What Postgres reports when statement_timeout cancels a statement. */
  static #statementTimeout(): PgError {
    return new PgError("canceling statement due to statement timeout", {
      severity: "ERROR",
      code: "57014",
      file: "postgres.c",
      routine: "ProcessInterrupts",
    });
  }

  static #firstError(messages: Message[]): PgError | undefined {
    for (const m of messages) {
      if (m.name === "error") return PgError.from(m) ?? new PgError(String(m), {});
    }
    return undefined;
  }

  /** Simple-query protocol, for our own control statements. */
  async #simple(sql: string): Promise<void> {
    const error = PgliteBackend.#firstError(await this.#send(serialize.query(sql)));
    if (error) throw error;
  }

  /** The statement_timeout in force now, in milliseconds (0: none). SHOW costs ~0.2 ms; pg_settings ~5 ms. */
  async #statementTimeoutMs(): Promise<number> {
    const messages = await this.#send(serialize.query("SHOW statement_timeout"));
    const error = PgliteBackend.#firstError(messages);
    if (error) throw error;
    const row = messages.find((m): m is DataRowMessage => m.name === "dataRow");
    return timeoutMs(row?.fields[0] ?? "0");
  }

  /** Extended protocol: one statement, text params of unspecified type, text results. */
  async #extended(query: QueryInput): Promise<RawQueryResult> {
    // In an aborted transaction the lookup itself would fail; the statement will report that.
    const timeoutMs = this.#status === "E" ? 0 : await this.#statementTimeoutMs();
    const started = performance.now();
    const messages = await this.#send(
      concat([
        serialize.parse({ text: query.query }),
        serialize.bind({ values: query.params }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    const error = PgliteBackend.#firstError(messages);
    if (error) throw error;
    if (timeoutMs > 0 && performance.now() - started > timeoutMs) throw PgliteBackend.#statementTimeout();

    let fields: FieldDescription[] = [];
    const rows: (string | null)[][] = [];
    let tag = "";
    for (const m of messages) {
      if (m.name === "rowDescription") {
        fields = (m as RowDescriptionMessage).fields.map(textField);
      } else if (m.name === "dataRow") {
        rows.push((m as DataRowMessage).fields);
      } else if (m.name === "commandComplete") {
        tag = (m as CommandCompleteMessage).text;
      }
    }
    return { ...parseCommandTag(tag), fields, rows };
  }
}
