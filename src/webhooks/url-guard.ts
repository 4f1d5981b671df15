import { ApiError } from "../errors/api-error";
import { assertFetchable } from "../scrape/network-guard";
import { ScrapeError } from "../scrape/scrape-error";

/** Where a webhook may point: https on a public address and the default port. */
export interface WebhookUrlPolicy {
  /**
   * SCRAPE_ALLOW_PRIVATE_NETWORKS (development and tests): also a local receiver on
   * `http://127.0.0.1:<port>` (or `[::1]`, `localhost`). Other private addresses stay refused.
   */
  allowLoopback: boolean;
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** The reason a URL is refused, or null when it may receive webhooks. Applied on save and on send. */
export function webhookUrlProblem(href: string, policy: WebhookUrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return "not a valid URL";
  }
  if (policy.allowLoopback && LOOPBACK.has(url.hostname) && !url.username && !url.password) {
    return url.protocol === "http:" || url.protocol === "https:" ? null : "must be an https URL";
  }
  if (url.protocol !== "https:") return "must be an https URL";
  try {
    // The scraper's SSRF guard, without its development allowance.
    assertFetchable(url, { allowPrivateNetworks: false });
  } catch (error) {
    if (error instanceof ScrapeError) return error.message;
    throw error;
  }
  return null;
}

export function assertWebhookUrl(href: string, policy: WebhookUrlPolicy): void {
  const problem = webhookUrlProblem(href, policy);
  if (problem) {
    throw new ApiError("unprocessable", `The webhook URL is refused: ${problem}.`, {
      errors: [{ field: "body.url", message: problem }],
    });
  }
}
