/** Every error the API can answer with, its HTTP status and its RFC 9457 title. */
export const PROBLEMS = {
  bad_request: { status: 400, title: "Bad request" },
  validation_failed: { status: 400, title: "Validation failed" },
  unauthorized: { status: 401, title: "Unauthorized" },
  quota_exceeded: { status: 402, title: "Quota exceeded" },
  forbidden: { status: 403, title: "Forbidden" },
  tenant_suspended: { status: 403, title: "Tenant suspended" },
  module_disabled: { status: 403, title: "Module disabled" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  gone: { status: 410, title: "Gone" },
  precondition_failed: { status: 412, title: "Precondition failed" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  unprocessable: { status: 422, title: "Unprocessable content" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal server error" },
  misconfigured: { status: 500, title: "Service misconfigured" },
  bad_gateway: { status: 502, title: "Bad gateway" },
  unavailable: { status: 503, title: "Service unavailable" },
  database_unavailable: { status: 503, title: "Database unavailable" },
  timeout: { status: 504, title: "Gateway timeout" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;
export type ProblemStatus = (typeof PROBLEMS)[ProblemCode]["status"];

export interface FieldError {
  /** JSON-pointer-like location of the offending input, e.g. `body.name` or `query.limit`. */
  field: string;
  message: string;
}

export interface ApiErrorOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members of the problem document (RFC 9457 extensions). */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type of the API. Domain code throws it; only the HTTP layer turns it into a
 * response, and queue consumers decide ack or retry from its code.
 */
export class ApiError extends Error {
  readonly status: ProblemStatus;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = "ApiError";
    this.status = PROBLEMS[code].status;
  }
}
