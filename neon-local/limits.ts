/**
 * The limits Neon's SQL-over-HTTP proxy enforces, with the answers it gives
 * (`proxy/src/serverless/sql_over_http.rs`), so that what fails on Neon fails
 * here too:
 * - a response body over 10 MiB: HTTP 507 "response is too large (max is
 *   10485760 bytes)"; a batch is rolled back;
 * - more than 32,767 bind parameters in one statement: the proxy's Postgres
 *   client cannot encode the Bind message (its parameter count is an Int16),
 *   HTTP 400 "error encoding message to server: value too large to transmit".
 * Neither error comes from Postgres, so they carry no SQLSTATE (`code: ""`).
 */
import { type QueryInput, type QueryResponse, type RawQueryResult, type SqlRequest, toQueryResponse } from "./protocol";

/** Neon's default `max_response_size_bytes`. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** i16::MAX: the largest parameter count the proxy's Bind encoder can write. */
export const MAX_BIND_PARAMETERS = 32_767;

/**
 * An error made by the proxy itself, in the body shape of the proxy's error
 * responses: every Postgres error field present, `code` and `severity` empty,
 * the rest null. The driver turns a 400 into a NeonDbError with these fields
 * and any other status into "Server error (HTTP status N): <this body>", so
 * the same bytes give the client the same error as Neon would.
 */
export function proxyErrorBody(message: string): string {
  return JSON.stringify({
    message,
    code: "",
    detail: null,
    hint: null,
    position: null,
    internalPosition: null,
    internalQuery: null,
    severity: "",
    where: null,
    table: null,
    column: null,
    schema: null,
    dataType: null,
    constraint: null,
    file: null,
    line: null,
    routine: null,
  });
}

/** Thrown while results are gathered: the request is stopped, a batch rolled back, and 507 answered. */
export class ResponseTooLargeError extends Error {
  readonly status = 507;
  constructor(readonly limit: number) {
    super(`response is too large (max is ${limit} bytes)`);
    this.name = "ResponseTooLargeError";
  }
}

/** The 400 Neon answers when a statement has more parameters than the Bind message can count. */
export function tooManyParameters(queries: QueryInput[], max = MAX_BIND_PARAMETERS): string | undefined {
  return queries.some((query) => query.params.length > max)
    ? "error encoding message to server: value too large to transmit"
    : undefined;
}

/**
 * Builds the 200 body one result at a time, so that the size is known after
 * each statement, before the next one runs and before COMMIT, as Neon counts
 * it (the JSON written so far).
 */
export class ResponseBody {
  readonly #parts: string[] = [];
  #bytes = 0;

  constructor(
    private readonly request: Pick<SqlRequest, "batch" | "arrayMode" | "queries">,
    private readonly limit = MAX_RESPONSE_BYTES,
  ) {}

  /** Shapes and adds one statement's result; throws ResponseTooLargeError past the limit. */
  add(result: RawQueryResult, index: number): void {
    const shaped: QueryResponse = toQueryResponse(
      result,
      this.request.queries[index]?.arrayMode ?? this.request.arrayMode,
    );
    const json = JSON.stringify(shaped);
    this.#bytes += Buffer.byteLength(json);
    if (this.#bytes > this.limit) throw new ResponseTooLargeError(this.limit);
    this.#parts.push(json);
  }

  /** The JSON text of the whole answer: `{"results":[...]}` for a batch, the one result otherwise. */
  text(): string {
    return this.request.batch ? `{"results":[${this.#parts.join(",")}]}` : (this.#parts[0] ?? "null");
  }
}
