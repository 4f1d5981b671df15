import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../app-env";
import { ConfigError } from "../config/config";
import { toApiError } from "../db/errors";
import { createLogger, describeError } from "../observability/logger";
import { recordSecurityEvent, securityEventOf } from "../security-events/recorder";
import { ApiError, type ProblemCode } from "./api-error";
import { problemResponse } from "./problem";

const STATUS_CODES: Partial<Record<number, ProblemCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  412: "precondition_failed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
};

function toProblem(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ConfigError) {
    return new ApiError("misconfigured", "The service is not configured correctly; the operators have been alerted.", {
      cause: error,
    });
  }
  if (error instanceof HTTPException) {
    const code = STATUS_CODES[error.status];
    if (code) return new ApiError(code, error.message || "The request could not be processed.", { cause: error });
  }
  return (
    toApiError(error) ??
    new ApiError("internal", "An unexpected error occurred; it has been logged with the request id.", { cause: error })
  );
}

/** The one error handler: every failure leaves as RFC 9457 problem+json. */
export function onError(error: unknown, c: Context<AppEnv>): Response {
  const problem = toProblem(error);
  const logger = c.get("logger") ?? createLogger({ request_id: c.get("requestId") });
  if (error instanceof ConfigError) {
    logger.error("invalid environment", { problems: error.problems });
  } else if (problem.code === "unavailable" || problem.code === "database_unavailable") {
    // A dependency is down: expected, retried by clients, not a bug in our code.
    logger.warn("request failed", { code: problem.code, ...describeError(error, { stack: false }) });
  } else if (problem.status >= 500) {
    logger.error("request failed", { code: problem.code, ...describeError(error) });
  }
  const event = securityEventOf(c, problem, error);
  if (event) recordSecurityEvent(c, event);
  return problemResponse(problem, c.get("requestId") ?? "unknown", c.req.path);
}
