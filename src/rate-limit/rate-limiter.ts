import type { Plan } from "../db/schema/plans";
import type { Decision } from "./decision";
import type { BucketPolicy } from "./policy";
import type { TenantRateLimiter } from "./tenant-rate-limiter";

/** Whose budget a request draws on. */
export type LimitKey =
  | { kind: "tenant"; tenantId: string }
  | { kind: "anonymous"; address: string }
  /** An upstream API's quota, shared by every isolate: `name` identifies the credential. */
  | { kind: "companies_house"; name: string };

/** The limiter as the HTTP layer sees it; the Durable Object is one implementation. */
export interface RateLimiter {
  consume(key: LimitKey, cost: number): Promise<Decision>;
  refund(key: LimitKey, cost: number): Promise<void>;
  /** The tenant's plan in force and its limits (from the plans table); applies from the next request. */
  setPlan(tenantId: string, plan: Plan, limits: BucketPolicy): Promise<void>;
  peek(
    tenantId: string,
  ): Promise<{ plan: Plan | null; remaining: number; policy: BucketPolicy; unflushedRequests: number }>;
}

const instanceName = (key: LimitKey) =>
  key.kind === "tenant" ? `tenant:${key.tenantId}` : key.kind === "anonymous" ? `ip:${key.address}` : `ch:${key.name}`;

/**
 * Each call is one RPC to the key's instance, created on first use where `locationHint` says
 * (unset: close to the caller) and never moved afterwards. Stubs are made per request: a stub is
 * an I/O object of the request that created it, and workerd refuses its use from another request.
 * `plans` is the config's RATE_LIMIT_PLANS text, passed on as it is for the object to parse.
 */
export function durableObjectRateLimiter(
  namespace: DurableObjectNamespace<TenantRateLimiter>,
  plans: string | undefined,
  locationHint?: DurableObjectLocationHint,
): RateLimiter {
  const options = locationHint ? { locationHint } : undefined;
  const stub = (key: LimitKey) => namespace.get(namespace.idFromName(instanceName(key)), options);
  return {
    consume: (key, cost) =>
      stub(key).consume(
        key.kind === "tenant"
          ? { cost, kind: key.kind, plans, tenantId: key.tenantId }
          : { cost, kind: key.kind, plans },
      ),
    refund: (key, cost) => stub(key).refund(cost, plans),
    setPlan: (tenantId, plan, limits) => stub({ kind: "tenant", tenantId }).setPlan({ plan, limits }, plans),
    peek: (tenantId) => stub({ kind: "tenant", tenantId }).peek(plans),
  };
}
