import { invalidCredentials } from "../auth/unauthorized";
import { ApiError } from "../errors/api-error";
import { DatabaseFault } from "./faults";

/** The Postgres error fields the Neon driver passes through (NeonDbError). */
interface PostgresError {
  code: string;
  message: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

function isPostgresError(value: unknown): value is PostgresError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    /^[0-9A-Z]{5}$/.test((value as { code: string }).code)
  );
}

/** drizzle wraps driver errors (DrizzleQueryError) with the Postgres error as `cause`. */
export function findPostgresError(error: unknown): PostgresError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (isPostgresError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The DatabaseFault behind an error: drizzle may wrap the driver's NeonDbError (`cause`), which
 * keeps what its fetch threw as `sourceError`.
 */
export function findDatabaseFault(error: unknown): DatabaseFault | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof DatabaseFault) return current;
    const next = current as { cause?: unknown; sourceError?: unknown };
    current = next.sourceError ?? next.cause;
  }
  return undefined;
}

/** What app.meter and app.assert_seat_available put in the DETAIL of a DT402. */
interface QuotaDetail {
  metric: string;
  quota: number;
  used: number;
  requested: number;
  resets_at: string | null;
}

/** 402 `quota_exceeded`: the metric, its quota, what is used and when it resets (null: never, e.g. seats). */
function quotaExceeded(detail: string | undefined, cause: unknown): ApiError {
  const q = JSON.parse(detail ?? "{}") as QuotaDetail;
  const text =
    q.metric === "seats"
      ? `The plan allows ${q.quota} members and has ${q.used}; upgrade the plan or remove a member first.`
      : `The plan allows ${q.quota} ${q.metric} a month; ${q.used} are used and this needs ${q.requested} more. ` +
        `The quota resets at ${q.resets_at}.`;
  return new ApiError("quota_exceeded", text, {
    cause,
    extensions: { metric: q.metric, quota: q.quota, used: q.used, resets_at: q.resets_at },
  });
}

/** Seconds a client should wait before retrying a request that met a database outage. */
export const DATABASE_RETRY_AFTER_S = 5;

/**
 * Postgres cannot take work now, whatever the request: admin or crash shutdown (57P01, 57P02),
 * starting up or in recovery (57P03), too many connections (53300). Class 08 (connection
 * exceptions) is checked by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

const databaseUnavailable = (detail: string, cause: unknown) =>
  new ApiError("database_unavailable", detail, {
    cause,
    headers: { "retry-after": String(DATABASE_RETRY_AFTER_S) },
  });

/** Whether an error means the database was unreachable or unavailable (not that the work was wrong). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return toApiError(error)?.code === "database_unavailable";
}

/**
 * The one place where SQLSTATEs and driver faults become API errors. Our own codes (class DT) are raised by the
 * SECURITY DEFINER functions; the rest are Postgres' own.
 */
export function toApiError(error: unknown): ApiError | undefined {
  const fault = findDatabaseFault(error);
  if (fault) {
    return databaseUnavailable(
      fault.kind === "timeout"
        ? "The database did not answer in time; retry shortly."
        : "The database could not be reached; retry shortly.",
      error,
    );
  }
  const pg = findPostgresError(error);
  if (!pg) return undefined;
  const { code } = pg;
  if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08")) {
    return databaseUnavailable("The database is temporarily unavailable; retry shortly.", error);
  }
  switch (code) {
    case "DT404":
      // begin_request's "tenant not found" covers both an unknown tenant and someone else's;
      // other functions raise DT404 with a sentence of their own.
      return new ApiError(
        "not_found",
        pg.message === "tenant not found" ? "The tenant does not exist or you are not a member of it." : pg.message,
        { cause: error },
      );
    case "DT403":
      return new ApiError("forbidden", pg.message, { cause: error });
    case "DTSUS":
      // app.refuse_suspended_tenant, inside the request's own batch (app.begin_request).
      return new ApiError(
        "tenant_suspended",
        "This tenant is suspended; its members and keys cannot use the API until an operator lifts the suspension.",
        { cause: error },
      );
    case "DTMOD":
      // app.refuse_disabled_module, inside the request's own batch (app.begin_request); DETAIL is the module.
      return new ApiError(
        "module_disabled",
        `This tenant's plan does not include the ${pg.detail} module; upgrade the plan or ask us to enable it.`,
        { cause: error, extensions: { module: pg.detail } },
      );
    case "DT401":
      return invalidCredentials(undefined, error);
    case "DT402":
      return quotaExceeded(pg.detail, error);
    case "DT409":
      return new ApiError("conflict", pg.message, { cause: error });
    case "DT410":
      return new ApiError("gone", pg.message, { cause: error });
    case "DT422":
      return new ApiError("unprocessable", pg.detail ? `${pg.message}: ${pg.detail}` : pg.message, { cause: error });
    case "DTKEY":
      // The Worker and the database disagree on DATABASE_ASSERTION_KEY (or on the time).
      return new ApiError("misconfigured", "The service is misconfigured; try again later.", { cause: error });
    case "DTRUN":
      return new ApiError("conflict", "A request with this Idempotency-Key is still being processed; retry shortly.", {
        cause: error,
        headers: { "retry-after": "1" },
      });
    case "23505":
      return new ApiError("conflict", "A resource with the same unique value already exists.", {
        cause: error,
        extensions: pg.constraint ? { constraint: pg.constraint } : {},
      });
    case "23503":
      return new ApiError("conflict", "The resource is referenced by, or refers to, another resource.", {
        cause: error,
      });
    case "23502":
    case "23514":
      return new ApiError("unprocessable", "The request breaks a data rule.", {
        cause: error,
        extensions: pg.constraint ? { constraint: pg.constraint } : {},
      });
    case "42501":
      return new ApiError("forbidden", "You are not allowed to do this.", { cause: error });
    case "40001":
    case "40P01":
      return new ApiError("unavailable", "The request conflicted with a concurrent one; retry it.", {
        cause: error,
        headers: { "retry-after": "1" },
      });
    case "57014":
      return new ApiError("unavailable", "The database took too long to answer.", {
        cause: error,
        headers: { "retry-after": "5" },
      });
  }
  if (code.startsWith("22")) {
    return new ApiError("bad_request", "A value in the request is not valid for its field.", { cause: error });
  }
  return undefined;
}
