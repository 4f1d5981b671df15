import type { z } from "zod";
import { sha256Hex } from "../crypto/sha256";
import { ApiError } from "../errors/api-error";
import type { RateLimiter } from "../rate-limit/rate-limiter";
import { type Officers, officersSchema, type Profile, profileSchema } from "./upstream";

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

  async function get<T extends z.ZodType>(path: string, schema: T, number: string): Promise<z.output<T>> {
    const deadline = Date.now() + budgetMs;
    quotaName ??= sha256Hex(options.apiKey).then((hash) => hash.slice(0, 16));
    const keyName = await quotaName;
    for (let attempt = 0; ; attempt++) {
      const quota = await options.limiter.consume({ kind: "companies_house", name: keyName }, 1);
      if (!quota.allowed) {
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
    /** Profile and officers, fetched in parallel. */
    async company(number: string): Promise<{ profile: Profile; officers: Officers }> {
      const [profile, officers] = await Promise.all([
        get(`/company/${number}`, profileSchema, number),
        get(`/company/${number}/officers`, officersSchema, number),
      ]);
      return { profile, officers };
    },
  };
}

export type CompaniesHouse = ReturnType<typeof companiesHouseClient>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => sleep(BASE_BACKOFF_MS * 2 ** attempt);
