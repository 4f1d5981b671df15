import { z } from "zod";
import { PLANS, type Plan } from "../db/schema/tenants";

/** A token bucket: up to `burst` requests at once, refilled at `perMinute` per minute. */
export interface BucketPolicy {
  perMinute: number;
  burst: number;
}

export type PolicyName = Plan | "anonymous" | "companies_house";
export type Policies = Record<PolicyName, BucketPolicy>;

/** Defaults in code; RATE_LIMIT_PLANS (JSON) overrides any of them. */
export const DEFAULT_POLICIES: Policies = {
  free: { perMinute: 120, burst: 60 },
  pro: { perMinute: 1200, burst: 300 },
  enterprise: { perMinute: 6000, burst: 1500 },
  // Per client address, for requests without valid credentials and for tenantless routes.
  anonymous: { perMinute: 30, burst: 20 },
  // Per Companies House API key, across all isolates: their limit is 600 requests per 5 minutes,
  // and burst + 5 min of refill (100 + 500) never exceeds it.
  companies_house: { perMinute: 100, burst: 100 },
};

const bucketSchema = z.object({
  per_minute: z.number().positive().max(1_000_000),
  burst: z.number().int().min(1).max(1_000_000),
});
const overridesSchema = z.partialRecord(z.enum([...PLANS, "anonymous", "companies_house"]), bucketSchema);

/** Parses RATE_LIMIT_PLANS, e.g. `{"free":{"per_minute":60,"burst":30}}`; throws on nonsense. */
export function parsePolicies(json: string | undefined): Policies {
  if (!json) return DEFAULT_POLICIES;
  const overrides = overridesSchema.parse(JSON.parse(json));
  const policies = { ...DEFAULT_POLICIES };
  for (const [name, bucket] of Object.entries(overrides)) {
    if (bucket) policies[name as PolicyName] = { perMinute: bucket.per_minute, burst: bucket.burst };
  }
  return policies;
}

/** Seconds a bucket takes to refill completely: the `w` of the RateLimit-Policy header. */
export function windowSeconds(policy: BucketPolicy): number {
  return Math.max(1, Math.ceil((policy.burst * 60) / policy.perMinute));
}
