import robotsParser from "robots-parser";
import { type FetchOptions, fetchPage, type HopGate, readText } from "./fetch-page";
import { ScrapeError } from "./scrape-error";

/** What one host's robots.txt said, as cached (RFC 9309). */
export interface RobotsFile {
  /** `rules`: parse `body`; `allow_all`: 4xx; `disallow_all`: 5xx or unreachable. */
  kind: "rules" | "allow_all" | "disallow_all";
  body: string;
  /** Why, for the job's record ("robots.txt answered 503"). */
  note: string;
  fetchedAt: number;
}

/** RFC 9309 2.4: a cached robots.txt is used for at most 24 hours. */
export const ROBOTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** An unreachable robots.txt disallows everything, but only until we look again soon. */
export const ROBOTS_UNREACHABLE_MAX_AGE_MS = 10 * 60 * 1000;
/** RFC 9309 2.5: parse at least 500 KiB. */
const ROBOTS_MAX_BYTES = 512 * 1024;

export function robotsMaxAge(file: RobotsFile): number {
  return file.kind === "disallow_all" ? ROBOTS_UNREACHABLE_MAX_AGE_MS : ROBOTS_MAX_AGE_MS;
}

/** Fetches `origin/robots.txt` (redirects followed, at most 5) and classifies the answer. */
export async function fetchRobots(origin: string, options: FetchOptions, gate?: HopGate): Promise<RobotsFile> {
  const fetchedAt = Date.now();
  try {
    const page = await fetchPage(
      new URL("/robots.txt", origin),
      { ...options, maxBytes: ROBOTS_MAX_BYTES, accept: "text/plain,*/*;q=0.5" },
      gate,
    );
    if (page.status >= 200 && page.status < 300) {
      return { kind: "rules", body: await readText(page), note: "robots.txt read", fetchedAt };
    }
    await page.body.cancel();
    if (page.status >= 400 && page.status < 500) {
      return { kind: "allow_all", body: "", note: `robots.txt answered ${page.status}: all allowed`, fetchedAt };
    }
    return { kind: "disallow_all", body: "", note: `robots.txt answered ${page.status}: all disallowed`, fetchedAt };
  } catch (error) {
    // An SSRF refusal is about the site itself, not its robots.txt.
    if (error instanceof ScrapeError && (error.reason === "blocked_address" || error.reason === "unsupported_url")) {
      throw error;
    }
    const why = error instanceof Error ? error.message : String(error);
    return { kind: "disallow_all", body: "", note: `robots.txt unreachable (${why}): all disallowed`, fetchedAt };
  }
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
    if (this.file.kind === "disallow_all" || !this.parsed) return false;
    // undefined: the URL is on another host than this robots.txt; never asked by the crawler.
    return this.parsed.isAllowed(url.href, this.userAgent) ?? false;
  }

  /** Crawl-delay for our agent, in seconds (not in RFC 9309, but honoured). */
  crawlDelaySeconds(): number {
    const delay = this.parsed?.getCrawlDelay(this.userAgent);
    return typeof delay === "number" && Number.isFinite(delay) && delay > 0 ? delay : 0;
  }
}
