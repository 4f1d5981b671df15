import { z } from "zod";

/** A token bucket: up to `burst` requests at once, refilled at `perMinute` per minute. */
export interface BucketPolicy {
  perMinute: number;
  burst: number;
}

/** A plan id (a tenant's bucket), `anonymous` (a client address's) or `companies_house` (an API key's). */
export type PolicyName = string;

/**
 * The buckets that are not plans, and RATE_LIMIT_PLANS' overrides of plans by id. A tenant's
 * bucket otherwise takes its plan's limits from the plans table (learned through the request's
 * own batch), so an override is for deployments that need other limits than the data says
 * (tests, benches, an incident).
 */
export interface Policies {
  anonymous: BucketPolicy;
  companies_house: BucketPolicy;
  [plan: string]: BucketPolicy | undefined;
}

export const DEFAULT_POLICIES: Policies = {
  // Per client address, for requests without valid credentials and for tenantless routes.
  anonymous: { perMinute: 30, burst: 20 },
  // Per Companies House API key, across all isolates: their limit is 600 requests per 5 minutes,
  // and burst + 5 min of refill (100 + 500) never exceeds it.
  companies_house: { perMinute: 100, burst: 100 },
};

/** Applied to a tenant until its limiter has learned the plan: the seeded `free` plan's limits. */
export const UNLEARNED_PLAN: BucketPolicy = { perMinute: 120, burst: 60 };

const bucketSchema = z.object({
  per_minute: z.number().positive().max(1_000_000),
  burst: z.number().int().min(1).max(1_000_000),
});
const overridesSchema = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), bucketSchema);

/** Parses RATE_LIMIT_PLANS, e.g. `{"free":{"per_minute":60,"burst":30}}`; throws on nonsense. */
export function parsePolicies(json: string | undefined): Policies {
  if (lastParsed && json === lastParsed.json) return lastParsed.policies;
  const policies = parseOverrides(json);
  lastParsed = { json, policies };
  return policies;
}

/**
 * The limiter's objects are told RATE_LIMIT_PLANS as their caller's config holds it, with every
 * call (tests vary it per request), so the last one parsed is kept: a deployment has one.
 */
let lastParsed: { json: string | undefined; policies: Policies } | undefined;

function parseOverrides(json: string | undefined): Policies {
  if (!json) return DEFAULT_POLICIES;
  const overrides = overridesSchema.parse(JSON.parse(json));
  const policies: Policies = { ...DEFAULT_POLICIES };
  for (const [name, bucket] of Object.entries(overrides)) {
    policies[name] = { perMinute: bucket.per_minute, burst: bucket.burst };
  }
  return policies;
}

/** A tenant's bucket: the configured override, else the plan's own limits, else `free`'s. */
export function planPolicy(policies: Policies, plan: string | undefined, learned: BucketPolicy | undefined) {
  return (plan === undefined ? undefined : policies[plan]) ?? learned ?? policies.free ?? UNLEARNED_PLAN;
}

export const sameLimits = (a: BucketPolicy | null | undefined, b: BucketPolicy | null | undefined) =>
  a?.perMinute === b?.perMinute && a?.burst === b?.burst;

/** Seconds a bucket takes to refill completely: the `w` of the RateLimit-Policy header. */
export function windowSeconds(policy: BucketPolicy): number {
  return Math.max(1, Math.ceil((policy.burst * 60) / policy.perMinute));
}
