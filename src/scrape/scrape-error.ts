/** Why a job failed or was set back: stable codes, published in the API. */
export const FAILURE_REASONS = [
  "blocked_by_robots",
  "blocked_address",
  "unsupported_url",
  "too_many_redirects",
  "dns_failure",
  "http_error",
  "not_html",
  "timeout",
  "network_error",
  "site_unavailable",
  "rate_limited_by_site",
  "host_busy",
  "retries_exhausted",
  "no_website",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * A scrape that cannot go on. Transient failures (the site is slow, down or throttling us) are
 * retried through the queue with backoff; permanent ones fail the job at once. The message is a
 * plain sentence the tenant reads in the job; what the runtime said goes in `cause`, for the log.
 */
export class ScrapeError extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly transient = false,
    /** The site's own Retry-After, when it sent one. */
    readonly retryAfterSeconds?: number,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ScrapeError";
  }
}

/**
 * What a job or page record may say about an error: our own sentence for a ScrapeError, never
 * the text of anything else (runtime errors read like `internal error; reference = …`).
 */
export function failureDetail(error: unknown): string {
  return error instanceof ScrapeError ? error.message : "The scrape stopped on an internal error.";
}

/** What the runtime said at the bottom of the chain, for the log only (never where a tenant reads). */
export function logDetail(error: unknown): string {
  let root = error;
  while (root instanceof Error && root.cause !== undefined) root = root.cause;
  return (root instanceof Error ? `${root.name}: ${root.message}` : String(root)).slice(0, 500);
}
