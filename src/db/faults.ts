/** How a round trip failed to bring Postgres' answer back. */
export type DatabaseFaultKind =
  /** No response at all: refused, reset, or the connection dropped before any answer. */
  | "no_answer"
  /** The answer began but the connection dropped before its end. */
  | "cut_off"
  /** The endpoint (Neon's proxy) answered with its own 5xx. */
  | "endpoint_error"
  /** The request's database deadline (DATABASE_TIMEOUT_MS) ran out. */
  | "timeout";

/**
 * The database could not be reached or did not answer in time. It carries no SQLSTATE: the
 * request may or may not have reached Postgres (except where the kind says it did not).
 */
export class DatabaseFault extends Error {
  constructor(
    readonly kind: DatabaseFaultKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "DatabaseFault";
  }
}
