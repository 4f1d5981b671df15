import type { BucketPolicy, PolicyName } from "./policy";

/** What the limiter decided for one request. */
export interface Decision {
  allowed: boolean;
  /** The policy applied (the tenant's plan, or `anonymous`). */
  policy: PolicyName;
  /** False until the limiter has been told the tenant's plan (it applies `free` meanwhile). */
  planKnown: boolean;
  /** The plan's limits as the limiter last learned them from the plans table. */
  planLimits: BucketPolicy | null;
  burst: number;
  perMinute: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until this request's cost would be admitted (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * RateLimit-Policy and RateLimit headers (IETF httpapi ratelimit-headers draft, structured
 * fields): `"pro";q=300;w=15` and `"pro";r=299;t=1`.
 */
export function rateLimitHeaders(decision: Decision, window: number): Record<string, string> {
  return {
    "RateLimit-Policy": `"${decision.policy}";q=${decision.burst};w=${window}`,
    RateLimit: `"${decision.policy}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}
