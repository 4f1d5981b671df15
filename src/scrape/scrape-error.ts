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
 * retried through the queue with backoff; permanent ones fail the job at once.
 */
export class ScrapeError extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly transient = false,
    /** The site's own Retry-After, when it sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ScrapeError";
  }
}
