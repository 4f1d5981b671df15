import type { z } from "zod";
import { sha256Hex } from "../crypto/sha256";
import { ApiError } from "../errors/api-error";
import type { RateLimiter } from "../rate-limit/rate-limiter";
import {
  type Charges,
  chargesSchema,
  type FilingHistory,
  filingHistorySchema,
  type Insolvency,
  insolvencySchema,
  type Officers,
  officersSchema,
  type Profile,
  type Pscs,
  profileSchema,
  pscsSchema,
} from "./upstream";

/** What one import takes from Companies House. */
export interface CompaniesHouseCompany {
  profile: Profile;
  officers: Officers;
  pscs: Pscs;
  /** Null when the profile says the company has no charges (not asked, to spare the quota). */
  charges: Charges | null;
  /** Null when the profile says it has no insolvency history (not asked either). */
  insolvency: Insolvency | null;
  filings: FilingHistory;
  /** Requests made (retries included): what the import cost of the shared quota. */
  requests: number;
}

/** Requests one company costs at most: profile, officers, PSCs, filing history, charges, insolvency. */
export const MAX_REQUESTS_PER_COMPANY = 6;

export interface CompaniesHouseOptions {
  baseUrl: string;
  apiKey: string;
  limiter: RateLimiter;
  /** The whole call, retries included, must finish within this budget. */
  budgetMs?: number;
}

const ATTEMPT_TIMEOUT_MS = 5_000;
const BASE_BACKOFF_MS = 200;
const MAX_ATTEMPTS = 4;

/**
 * The Companies House public data API: HTTP basic auth with the key as user name, their limit of
 * 600 requests per 5 minutes kept across all isolates by a limiter instance per key, 429/5xx
 * retried with exponential backoff within a bounded time. Failures become API errors: unknown
 * company 404, service unavailable 503 (Retry-After), malformed data 502.
 */
export function companiesHouseClient(options: CompaniesHouseOptions) {
  const budgetMs = options.budgetMs ?? 8_000;
  const authorization = `Basic ${btoa(`${options.apiKey}:`)}`;
  const unavailable = (detail: string, retryAfter = 30, cause?: unknown) =>
    new ApiError("unavailable", detail, { headers: { "retry-after": String(retryAfter) }, cause });

  // The quota's limiter instance is named after the key's hash (never the key): hashed once,
  // and only when the client is used (it is built for every request).
  let quotaName: Promise<string> | undefined;

  /**
   * One resource; `absentAs` is what a 404 means for a part of a company (Companies House answers
   * 404 for a company without PSC or charge records): without it, a 404 is an unknown company.
   */
  async function get<T extends z.ZodType>(
    path: string,
    schema: T,
    number: string,
    counter: { requests: number },
    absentAs?: z.output<T>,
  ): Promise<z.output<T>> {
    const deadline = Date.now() + budgetMs;
    quotaName ??= sha256Hex(options.apiKey).then((hash) => hash.slice(0, 16));
    const keyName = await quotaName;
    for (let attempt = 0; ; attempt++) {
      const quota = await options.limiter.consume({ kind: "companies_house", name: keyName }, 1);
      if (quota.allowed) counter.requests++;
      else {
        throw unavailable("Our Companies House quota is used up for now.", quota.retryAfterSeconds);
      }
      let response: Response;
      try {
        response = await fetch(`${options.baseUrl}${path}`, {
          headers: { authorization, accept: "application/json" },
          signal: AbortSignal.timeout(Math.min(ATTEMPT_TIMEOUT_MS, Math.max(1, deadline - Date.now()))),
        });
      } catch (error) {
        if (attempt + 1 >= MAX_ATTEMPTS || Date.now() >= deadline - BASE_BACKOFF_MS) {
          throw unavailable("Companies House cannot be reached.", 30, error);
        }
        await backoff(attempt);
        continue;
      }
      if (response.status === 404) {
        await response.body?.cancel();
        if (absentAs !== undefined) return absentAs;
        throw new ApiError("not_found", `Companies House has no company with number ${number}.`);
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        const retryAfter = Number(response.headers.get("retry-after") ?? "0") * 1000;
        const wait = Math.max(retryAfter, BASE_BACKOFF_MS * 2 ** attempt);
        if (attempt + 1 >= MAX_ATTEMPTS || Date.now() + wait >= deadline) {
          throw unavailable(
            `Companies House is unavailable (HTTP ${response.status}).`,
            Math.max(1, Math.ceil(retryAfter / 1000)) || 30,
          );
        }
        await sleep(wait);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new ApiError("bad_gateway", `Companies House answered HTTP ${response.status}.`);
      }
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new ApiError("bad_gateway", "Companies House sent data we could not read.");
      return parsed.data;
    }
  }

  return {
    /**
     * The profile first (it says whether charges and insolvency records exist, so those are asked
     * for only when there is something to read), then the rest in parallel.
     */
    async company(number: string): Promise<CompaniesHouseCompany> {
      const counter = { requests: 0 };
      const profile = await get(`/company/${number}`, profileSchema, number, counter);
      const [officers, pscs, filings, charges, insolvency] = await Promise.all([
        get(`/company/${number}/officers?items_per_page=100`, officersSchema, number, counter),
        get(`/company/${number}/persons-with-significant-control?items_per_page=100`, pscsSchema, number, counter, {
          items: [],
        }),
        get(
          `/company/${number}/filing-history?category=accounts&items_per_page=1`,
          filingHistorySchema,
          number,
          counter,
          {
            items: [],
          },
        ),
        profile.has_charges
          ? get(`/company/${number}/charges?items_per_page=1`, chargesSchema, number, counter, {
              total_count: 0,
              satisfied_count: 0,
            })
          : null,
        profile.has_insolvency_history
          ? get(`/company/${number}/insolvency`, insolvencySchema, number, counter, { cases: [] })
          : null,
      ]);
      return { profile, officers, pscs, filings, charges, insolvency, requests: counter.requests };
    },
  };
}

export type CompaniesHouse = ReturnType<typeof companiesHouseClient>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => sleep(BASE_BACKOFF_MS * 2 ** attempt);
