import { invalidCredentials } from "../auth/unauthorized";
import { ApiError } from "../errors/api-error";

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
 * The one place where SQLSTATEs become API errors. Our own codes (class DT) are raised by the
 * SECURITY DEFINER functions; the rest are Postgres' own.
 */
export function toApiError(error: unknown): ApiError | undefined {
  const pg = findPostgresError(error);
  if (!pg) return undefined;
  const { code } = pg;
  switch (code) {
    case "DT404":
      return new ApiError("not_found", "The tenant does not exist or you are not a member of it.", { cause: error });
    case "DT403":
      return new ApiError("forbidden", pg.message, { cause: error });
    case "DT401":
      return invalidCredentials(undefined, error);
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
    case "53300":
    case "57P01":
    case "57P03":
      return new ApiError("unavailable", "The database is temporarily unavailable.", {
        cause: error,
        headers: { "retry-after": "5" },
      });
  }
  if (code.startsWith("22")) {
    return new ApiError("bad_request", "A value in the request is not valid for its field.", { cause: error });
  }
  return undefined;
}
