import type { Plan } from "../db/schema/tenants";
import type { Decision } from "./decision";
import type { BucketPolicy, Policies } from "./policy";
import type { TenantRateLimiter } from "./tenant-rate-limiter";

/** Whose budget a request draws on. */
export type LimitKey = { kind: "tenant"; tenantId: string } | { kind: "anonymous"; address: string };

/** The limiter as the HTTP layer sees it; the Durable Object is one implementation. */
export interface RateLimiter {
  consume(key: LimitKey, cost: number): Promise<Decision>;
  refund(key: LimitKey, cost: number): Promise<void>;
  setPlan(tenantId: string, plan: Plan): Promise<void>;
  peek(tenantId: string): Promise<{ plan: Plan | null; remaining: number; policy: BucketPolicy }>;
}

// A stub reused across the requests of an isolate skips setting up a new channel to the object
// (measured locally: ~1.4 ms instead of ~2.4 ms per request). A stub that has failed may be
// broken for good, so it is dropped on any error. Bounded, oldest first out.
const MAX_CACHED_STUBS = 1000;
const stubsByNamespace = new WeakMap<object, Map<string, DurableObjectStub<TenantRateLimiter>>>();

const instanceName = (key: LimitKey) => (key.kind === "tenant" ? `tenant:${key.tenantId}` : `ip:${key.address}`);

/** Each call is one RPC to the key's instance (created on first use, close to the caller). */
export function durableObjectRateLimiter(
  namespace: DurableObjectNamespace<TenantRateLimiter>,
  policies: Policies,
): RateLimiter {
  let stubs = stubsByNamespace.get(namespace);
  if (!stubs) {
    stubs = new Map();
    stubsByNamespace.set(namespace, stubs);
  }
  const cache = stubs;
  async function call<T>(
    key: LimitKey,
    method: (stub: DurableObjectStub<TenantRateLimiter>) => Promise<T>,
  ): Promise<T> {
    const name = instanceName(key);
    let stub = cache.get(name);
    if (!stub) {
      stub = namespace.get(namespace.idFromName(name));
      if (cache.size >= MAX_CACHED_STUBS) cache.delete(cache.keys().next().value ?? "");
      cache.set(name, stub);
    }
    try {
      return await method(stub);
    } catch (error) {
      cache.delete(name);
      throw error;
    }
  }
  const tenant = (tenantId: string): LimitKey => ({ kind: "tenant", tenantId });
  return {
    consume: (key, cost) => call(key, (stub) => stub.consume({ cost, kind: key.kind, policies })),
    refund: (key, cost) => call(key, (stub) => stub.refund(cost, policies)),
    setPlan: (tenantId, plan) => call(tenant(tenantId), (stub) => stub.setPlan(plan, policies)),
    peek: (tenantId) => call(tenant(tenantId), (stub) => stub.peek(policies)),
  };
}
