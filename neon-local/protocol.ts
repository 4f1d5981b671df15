/**
 * Wire format of Neon's SQL-over-HTTP endpoint (`POST /sql`), as spoken by
 * `neon()` from `@neondatabase/serverless` and implemented by Neon's proxy
 * (`proxy/src/serverless/sql_over_http.rs`): request parsing/validation and
 * the response/error shapes. Nothing here touches a database.
 */
import type { IncomingHttpHeaders } from "node:http";

export const ISOLATION_LEVELS = ["ReadUncommitted", "ReadCommitted", "RepeatableRead", "Serializable"] as const;
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

/** One statement as received: params are already Postgres text (or SQL NULL). */
export interface QueryInput {
  query: string;
  params: (string | null)[];
  /** Per-query override of the `Neon-Array-Mode` header (Neon accepts it in the body). */
  arrayMode?: boolean;
}

/** A fully validated `/sql` request, independent of HTTP. */
export interface SqlRequest {
  /** Role to run as: the user name of `Neon-Connection-String`. */
  user: string;
  password?: string;
  /** Database named in the connection string (informational: the backend decides the database). */
  database?: string;
  queries: QueryInput[];
  /** `{queries:[...]}` body: all statements run in one transaction, all or nothing. */
  batch: boolean;
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  deferrable?: boolean;
  /** Default row shape (`Neon-Array-Mode`); each query may override it. */
  arrayMode: boolean;
}

/** Column description, same keys and meaning as node-postgres' FieldDef. */
export interface FieldDescription {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
  format: "text";
}

/** The wire's column metadata, from pg's FieldDef or PGlite's RowDescription (same keys). */
export function textField(field: Omit<FieldDescription, "format">): FieldDescription {
  return {
    name: field.name,
    tableID: field.tableID,
    columnID: field.columnID,
    dataTypeID: field.dataTypeID,
    dataTypeSize: field.dataTypeSize,
    dataTypeModifier: field.dataTypeModifier,
    format: "text",
  };
}

/** What a backend returns for one statement: rows are always positional raw text. */
export interface RawQueryResult {
  command: string;
  rowCount: number | null;
  fields: FieldDescription[];
  rows: (string | null)[][];
}

/** 200 body for one statement (and each element of `results` for a batch). */
export interface QueryResponse {
  command: string;
  rowCount: number | null;
  rowAsArray: boolean;
  fields: FieldDescription[];
  rows: (string | null)[][] | Record<string, string | null>[];
}

/** Error fields Postgres may report; the driver copies exactly these onto NeonDbError. */
export const PG_ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;
export type PgErrorField = (typeof PG_ERROR_FIELDS)[number];
export type PgErrorBody = { message: string } & Partial<Record<PgErrorField, string>>;

/** A Postgres error (ErrorResponse) to be forwarded to the client as HTTP 400. */
export class PgError extends Error {
  readonly fields: Partial<Record<PgErrorField, string>>;
  constructor(message: string, fields: Partial<Record<PgErrorField, string>>) {
    super(message);
    this.name = "PgError";
    this.fields = fields;
  }

  /**
   * Wraps anything that looks like a Postgres ErrorResponse (pg's and PGlite's
   * DatabaseError both carry `severity`); returns undefined for other failures
   * (network, bugs) so that they become 5xx instead of user errors.
   */
  static from(error: unknown): PgError | undefined {
    if (error instanceof PgError) return error;
    if (!(error instanceof Error)) return undefined;
    const record = error as unknown as Record<string, unknown>;
    if (typeof record.severity !== "string") return undefined;
    const fields: Partial<Record<PgErrorField, string>> = {};
    for (const key of PG_ERROR_FIELDS) {
      const value = record[key];
      if (typeof value === "string") fields[key] = value;
      else if (typeof value === "number") fields[key] = String(value);
    }
    return new PgError(error.message, fields);
  }

  toBody(): PgErrorBody {
    return { message: this.message, ...this.fields };
  }
}

/** A malformed request (bad headers/body): reported as `{message}` with `status`. */
export class ProtocolError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ProtocolError";
    this.status = status;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Neon treats anything but the exact string `true` as false. */
function flag(headers: IncomingHttpHeaders, name: string): boolean {
  return header(headers, name) === "true";
}

interface Credentials {
  user: string;
  password?: string;
  database?: string;
}

/** Reads user/password/database from `postgres://user:pass@host/db?...` (percent-decoded). */
export function parseConnectionString(connectionString: string): Credentials {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new ProtocolError(400, "Neon-Connection-String is not a valid URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ProtocolError(400, "Neon-Connection-String must use the postgres:// or postgresql:// scheme");
  }
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new ProtocolError(400, "Neon-Connection-String has invalid percent-encoding");
    }
  };
  const user = decode(url.username);
  if (user === "") throw new ProtocolError(400, "Neon-Connection-String has no user");
  const credentials: Credentials = { user };
  if (url.password !== "") credentials.password = decode(url.password);
  const database = decode(url.pathname.replace(/^\//, ""));
  if (database !== "") credentials.database = database;
  return credentials;
}

/**
 * Converts one JSON param to Postgres text the way Neon's proxy does
 * (`json_to_pg_text`): the driver already sends strings/null, but other JSON
 * values are accepted too (numbers/booleans/objects as their JSON text,
 * arrays as Postgres array literals).
 */
function paramToPgText(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return jsonArrayToPgArray(value);
  return JSON.stringify(value);
}

function jsonArrayToPgArray(value: unknown): string {
  if (value === null) return "NULL";
  if (Array.isArray(value)) return `{${value.map(jsonArrayToPgArray).join(",")}}`;
  // Strings are JSON-quoted, which is also valid Postgres array-element quoting;
  // objects become quoted JSON text.
  if (typeof value === "object") return JSON.stringify(JSON.stringify(value));
  return JSON.stringify(value);
}

function parseQuery(value: unknown, where: string): QueryInput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError(400, `${where} must be an object with a "query" string`);
  }
  const record = value as Record<string, unknown>;
  if (typeof record.query !== "string") throw new ProtocolError(400, `${where}.query must be a string`);
  const rawParams = record.params ?? [];
  if (!Array.isArray(rawParams)) throw new ProtocolError(400, `${where}.params must be an array`);
  const input: QueryInput = { query: record.query, params: rawParams.map(paramToPgText) };
  if (record.arrayMode !== undefined && record.arrayMode !== null) {
    if (typeof record.arrayMode !== "boolean") throw new ProtocolError(400, `${where}.arrayMode must be a boolean`);
    input.arrayMode = record.arrayMode;
  }
  return input;
}

/** Validates headers and body of a `POST /sql`; throws ProtocolError on anything malformed. */
export function parseSqlRequest(headers: IncomingHttpHeaders, body: string): SqlRequest {
  const connectionString = header(headers, "Neon-Connection-String");
  if (connectionString === undefined || connectionString === "") {
    throw new ProtocolError(400, "missing Neon-Connection-String header");
  }
  const credentials = parseConnectionString(connectionString);

  const isolation = header(headers, "Neon-Batch-Isolation-Level");
  if (isolation !== undefined && !(ISOLATION_LEVELS as readonly string[]).includes(isolation)) {
    throw new ProtocolError(400, "invalid isolation level");
  }

  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new ProtocolError(400, "request body is not valid JSON");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new ProtocolError(400, "request body must be a JSON object");
  }
  const record = payload as Record<string, unknown>;

  let queries: QueryInput[];
  let batch: boolean;
  // Same precedence as Neon's untagged enum: a `query` makes it a single statement.
  if ("query" in record) {
    queries = [parseQuery(record, "body")];
    batch = false;
  } else if (Array.isArray(record.queries)) {
    queries = record.queries.map((q, i) => parseQuery(q, `queries[${i}]`));
    batch = true;
  } else {
    throw new ProtocolError(400, 'request body must have "query" or "queries"');
  }

  const request: SqlRequest = {
    ...credentials,
    queries,
    batch,
    arrayMode: flag(headers, "Neon-Array-Mode"),
  };
  // Like Neon, transaction options only apply to batches.
  if (batch) {
    if (isolation !== undefined) request.isolationLevel = isolation as IsolationLevel;
    request.readOnly = flag(headers, "Neon-Batch-Read-Only");
    request.deferrable = flag(headers, "Neon-Batch-Deferrable");
  }
  return request;
}

/** Shapes a backend result for the client: positional rows or objects keyed by column name. */
export function toQueryResponse(result: RawQueryResult, arrayMode: boolean): QueryResponse {
  const rows = arrayMode
    ? result.rows
    : result.rows.map((row) => {
        const object: Record<string, string | null> = {};
        result.fields.forEach((field, i) => {
          object[field.name] = row[i] ?? null;
        });
        return object;
      });
  return { command: result.command, rowCount: result.rowCount, rowAsArray: arrayMode, fields: result.fields, rows };
}

/**
 * Splits a command tag like Neon's proxy: `INSERT 0 5` → INSERT/5,
 * `UPDATE 2` → UPDATE/2, `CREATE TABLE` → CREATE/null, `` → ''/null.
 */
export function parseCommandTag(tag: string): { command: string; rowCount: number | null } {
  const space = tag.indexOf(" ");
  if (space === -1) return { command: tag, rowCount: null };
  const command = tag.slice(0, space);
  let rest = tag.slice(space + 1);
  if (command === "INSERT") {
    const second = rest.indexOf(" ");
    if (second === -1) return { command, rowCount: null };
    rest = rest.slice(second + 1);
  }
  return { command, rowCount: /^\d+$/.test(rest) ? Number(rest) : null };
}

/** Batch transaction options echoed back as response headers, as Neon does. */
export function batchResponseHeaders(request: SqlRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!request.batch) return headers;
  if (request.readOnly) headers["Neon-Batch-Read-Only"] = "true";
  if (request.deferrable) headers["Neon-Batch-Deferrable"] = "true";
  if (request.isolationLevel) headers["Neon-Batch-Isolation-Level"] = request.isolationLevel;
  return headers;
}

/** `BEGIN` with the batch's options (values come from a closed list, so no quoting is needed). */
export function beginStatement(request: Pick<SqlRequest, "isolationLevel" | "readOnly" | "deferrable">): string {
  const parts = ["BEGIN"];
  const isolation: Record<IsolationLevel, string> = {
    ReadUncommitted: "READ UNCOMMITTED",
    ReadCommitted: "READ COMMITTED",
    RepeatableRead: "REPEATABLE READ",
    Serializable: "SERIALIZABLE",
  };
  if (request.isolationLevel) parts.push(`ISOLATION LEVEL ${isolation[request.isolationLevel]}`);
  if (request.readOnly) parts.push("READ ONLY");
  if (request.deferrable) parts.push("DEFERRABLE");
  return parts.join(" ");
}

/** Quotes an SQL identifier (role names come from the client). */
export function quoteIdentifier(name: string): string {
  if (name.includes("\0")) throw new ProtocolError(400, "identifier contains a NUL character");
  return `"${name.replaceAll('"', '""')}"`;
}
