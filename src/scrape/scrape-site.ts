import type { SCRAPE_PAGE_OUTCOMES } from "../db/schema/scrape-pages";
import { extractPage, type PageExtract } from "./extract";
import { type FetchedPage, type FetchOptions, fetchPage, type HopGate, retryAfterSeconds } from "./fetch-page";
import { assertFetchable } from "./network-guard";
import { fetchRobots, type RobotsFile, RobotsRules } from "./robots";
import { failureDetail, ScrapeError } from "./scrape-error";
import { type Detection, detectTechnologies } from "./technographics/detect";
import { buildWebProfile, pagesToVisit, type WebProfile } from "./web-profile";

export interface ScrapeSettings extends FetchOptions {
  maxPages: number;
  /** The least time between two requests to one host; a larger Crawl-delay wins. */
  minHostDelayMs: number;
  /** Wall time after which no further page is started (the job's lease must outlast it). */
  budgetMs: number;
}

/** Per-host coordination shared by all consumers (the HostThrottle Durable Object). */
export interface HostGate {
  /** 0 when the host is ours until `release`, else milliseconds to wait before asking again. */
  acquire(host: string, delayMs: number, holdMs: number): Promise<number>;
  release(host: string): Promise<void>;
  /** Keyed by origin (scheme, host, port): each has its own robots.txt. */
  robots(host: string, origin: string): Promise<RobotsFile | null>;
  storeRobots(host: string, origin: string, robots: RobotsFile): Promise<void>;
}

export interface PageRecord {
  url: string;
  outcome: (typeof SCRAPE_PAGE_OUTCOMES)[number];
  httpStatus: number | null;
  contentType: string | null;
  bytes: number | null;
  detail: string | null;
  fetchedAt: string;
}

export interface TechnologySignal extends Detection {
  /** The page where it was seen with the most confidence. */
  url: string;
}

export interface SiteScrape {
  pages: PageRecord[];
  technologies: TechnologySignal[];
  profile: WebProfile;
}

/** A Crawl-delay beyond this would hold a job for too long; the cap is documented in README. */
const MAX_CRAWL_DELAY_MS = 60_000;

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

function isHtml(page: FetchedPage): boolean {
  return /^text\/html\b/i.test(page.headers.get("content-type") ?? "");
}

/** Throws for a home page the job cannot go on without. */
function assertUsableHome(page: FetchedPage): void {
  if (page.status === 429) {
    throw new ScrapeError("rate_limited_by_site", "The site answered 429", true, retryAfterSeconds(page));
  }
  if (page.status >= 500) {
    throw new ScrapeError("site_unavailable", `The site answered ${page.status}`, true, retryAfterSeconds(page));
  }
  if (page.status >= 400 || page.status < 200 || page.status >= 300) {
    throw new ScrapeError("http_error", `The home page answered ${page.status}`);
  }
  if (!isHtml(page)) {
    throw new ScrapeError("not_html", `The home page is ${page.headers.get("content-type") ?? "of no declared type"}`);
  }
}

function mergeTechnologies(pages: { url: string; extract: PageExtract }[]): TechnologySignal[] {
  const bySlug = new Map<string, TechnologySignal>();
  for (const { url, extract } of pages) {
    for (const detection of detectTechnologies(extract.evidence)) {
      const known = bySlug.get(detection.slug);
      if (!known) {
        bySlug.set(detection.slug, { ...detection, url });
        continue;
      }
      const evidence = [...known.evidence];
      for (const item of detection.evidence) {
        if (evidence.length < 5 && !evidence.some((e) => e.source === item.source && e.value === item.value)) {
          evidence.push(item);
        }
      }
      const stronger = detection.confidence > known.confidence;
      bySlug.set(detection.slug, {
        ...known,
        confidence: Math.max(known.confidence, detection.confidence),
        evidence,
        url: stronger ? url : known.url,
      });
    }
  }
  return [...bySlug.values()];
}

/**
 * Scrapes one company site politely: robots.txt first (cached per host), the home page, then a
 * few same-site pages (contact, about, careers), each request spaced by the host's delay across
 * all consumers. Pages that fail after the home page are recorded, not fatal.
 */
export async function scrapeSite(start: URL, settings: ScrapeSettings, gate: HostGate): Promise<SiteScrape> {
  const startedAt = Date.now();
  // A consumer that dies holding a host frees it after this long.
  const holdMs = settings.timeoutMs + 5_000;
  assertFetchable(start, settings);
  const records: PageRecord[] = [];
  const extracts: { url: string; extract: PageExtract }[] = [];
  const rulesByOrigin = new Map<string, { rules: RobotsRules; delayMs: number }>();

  /** Waits for the host's turn, then holds it until the returned release is called. */
  const turn = async (host: string, delayMs: number) => {
    for (
      let wait = await gate.acquire(host, delayMs, holdMs);
      wait > 0;
      wait = await gate.acquire(host, delayMs, holdMs)
    ) {
      // Other jobs hold the host: give up in time for the lease, and let the queue bring the job back.
      if (Date.now() + wait - startedAt > settings.budgetMs) {
        throw new ScrapeError("host_busy", `${host} is busy with other scrapes; retrying later`, true);
      }
      await sleep(wait);
    }
    return () => gate.release(host);
  };
  // robots.txt itself: the default delay (its Crawl-delay is not known yet).
  const robotsGate: HopGate = (url) => turn(url.host, settings.minHostDelayMs);
  const politeness = async (url: URL) => {
    const known = rulesByOrigin.get(url.origin);
    if (known) return known;
    let robots = await gate.robots(url.host, url.origin);
    if (!robots) {
      robots = await fetchRobots(url.origin, settings, robotsGate);
      await gate.storeRobots(url.host, url.origin, robots);
    }
    const rules = new RobotsRules(robots, url.origin, settings.userAgent);
    const delayMs = Math.min(MAX_CRAWL_DELAY_MS, Math.max(settings.minHostDelayMs, rules.crawlDelaySeconds() * 1000));
    const entry = { rules, delayMs };
    rulesByOrigin.set(url.origin, entry);
    return entry;
  };
  // Every request of a page, redirect hops included: allowed by its host's robots.txt, and in turn.
  const pageGate: HopGate = async (url) => {
    const { rules, delayMs } = await politeness(url);
    if (!rules.isAllowed(url)) {
      throw new ScrapeError("blocked_by_robots", `robots.txt disallows ${url.href} (${rules.file.note})`);
    }
    return turn(url.host, delayMs);
  };
  const record = (url: URL, outcome: PageRecord["outcome"], detail: string | null, page?: FetchedPage) =>
    records.push({
      url: url.href,
      outcome,
      httpStatus: page?.status ?? null,
      contentType: page?.headers.get("content-type")?.slice(0, 200) ?? null,
      bytes: page ? page.bytesRead() : null,
      detail: detail?.slice(0, 1000) ?? null,
      fetchedAt: new Date().toISOString(),
    });

  // The home page: the job stands or falls with it.
  const home = await fetchPage(start, settings, pageGate);
  try {
    assertUsableHome(home);
  } catch (error) {
    await home.body.cancel();
    throw error;
  }
  const homeExtract = await extractPage(home.url, home.headers, home.body);
  record(home.url, "fetched", null, home);
  extracts.push({ url: home.url.href, extract: homeExtract });

  for (const url of pagesToVisit(home.url, homeExtract.links, settings.maxPages - 1)) {
    if (Date.now() - startedAt > settings.budgetMs) break;
    try {
      const page = await fetchPage(url, settings, pageGate);
      if (page.status < 200 || page.status >= 300) {
        await page.body.cancel();
        record(page.url, "failed", `answered ${page.status}`, page);
      } else if (!isHtml(page)) {
        await page.body.cancel();
        record(page.url, "not_html", page.headers.get("content-type"), page);
      } else {
        extracts.push({ url: page.url.href, extract: await extractPage(page.url, page.headers, page.body) });
        record(page.url, "fetched", null, page);
      }
    } catch (error) {
      if (error instanceof ScrapeError && error.reason === "blocked_by_robots") {
        record(url, "blocked_by_robots", error.message.slice(0, 500));
      } else {
        record(url, "failed", failureDetail(error).slice(0, 500));
      }
    }
  }

  return {
    pages: records,
    technologies: mergeTechnologies(extracts),
    profile: buildWebProfile(
      home.url,
      extracts.map((e) => e.extract),
    ),
  };
}
