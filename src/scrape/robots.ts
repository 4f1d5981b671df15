import robotsParser from "robots-parser";
import {
  type FetchedPage,
  type FetchOptions,
  fetchPage,
  type HopGate,
  readText,
  retryAfterSeconds,
} from "./fetch-page";
import { ScrapeError } from "./scrape-error";

/** What one host's robots.txt said, as cached (RFC 9309). */
export interface RobotsFile {
  /** `rules`: parse `body`; `allow_all`: 4xx, or still redirecting after 5 hops (RFC 9309 2.3.1.2). */
  kind: "rules" | "allow_all";
  body: string;
  /** Why, for the job's record ("robots.txt answered 404: all allowed"). */
  note: string;
  fetchedAt: number;
}

/** RFC 9309 2.4: a cached robots.txt is used for at most 24 hours. */
export const ROBOTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** RFC 9309 2.5: parse at least 500 KiB. */
const ROBOTS_MAX_BYTES = 512 * 1024;

/**
 * Fetches `origin/robots.txt` (redirects followed, at most 5) and classifies the answer. RFC 9309
 * 2.3.1.4: an unreachable robots.txt or a 5xx means "disallow all" for now; for a job that is a
 * transient `site_unavailable` (retried with backoff, nothing cached), not a verdict on the site.
 */
export async function fetchRobots(origin: string, options: FetchOptions, gate?: HopGate): Promise<RobotsFile> {
  const fetchedAt = Date.now();
  const host = new URL(origin).host;
  const unavailable = (why: string, retryAfter?: number, cause?: unknown) =>
    new ScrapeError("site_unavailable", `${host} is unavailable: its robots.txt ${why}`, true, retryAfter, cause);
  let page: FetchedPage;
  try {
    page = await fetchPage(
      new URL("/robots.txt", origin),
      { ...options, maxBytes: ROBOTS_MAX_BYTES, accept: "text/plain,*/*;q=0.5" },
      gate,
    );
  } catch (error) {
    if (error instanceof ScrapeError && error.reason === "too_many_redirects") {
      return { kind: "allow_all", body: "", note: "robots.txt redirects more than 5 times: all allowed", fetchedAt };
    }
    if (error instanceof ScrapeError && (error.reason === "network_error" || error.reason === "timeout")) {
      throw unavailable(
        error.reason === "timeout" ? "did not answer in time" : "could not be reached",
        undefined,
        error,
      );
    }
    // A refused address, a name that does not resolve, a busy host: what any page of the site would meet.
    throw error;
  }
  if (page.status >= 200 && page.status < 300) {
    try {
      return { kind: "rules", body: await readText(page), note: "robots.txt read", fetchedAt };
    } catch (error) {
      throw unavailable("could not be read", undefined, error);
    }
  }
  await page.body.cancel();
  if (page.status >= 400 && page.status < 500) {
    return { kind: "allow_all", body: "", note: `robots.txt answered ${page.status}: all allowed`, fetchedAt };
  }
  throw unavailable(`answered ${page.status}`, retryAfterSeconds(page));
}

/** The rules for our user agent, ready to ask. */
export class RobotsRules {
  private readonly parsed;

  constructor(
    readonly file: RobotsFile,
    origin: string,
    private readonly userAgent: string,
  ) {
    this.parsed = file.kind === "rules" ? robotsParser(new URL("/robots.txt", origin).href, file.body) : null;
  }

  isAllowed(url: URL): boolean {
    if (this.file.kind === "allow_all") return true;
    if (!this.parsed) return false;
    // undefined: the URL is on another host than this robots.txt; never asked by the crawler.
    return this.parsed.isAllowed(url.href, this.userAgent) ?? false;
  }

  /** Crawl-delay for our agent, in seconds (not in RFC 9309, but honoured). */
  crawlDelaySeconds(): number {
    const delay = this.parsed?.getCrawlDelay(this.userAgent);
    return typeof delay === "number" && Number.isFinite(delay) && delay > 0 ? delay : 0;
  }
}
