import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { describeError } from "../observability/logger";
import type { Decision } from "../rate-limit/decision";
import { rateLimitHeaders } from "../rate-limit/decision";
import { sameLimits, windowSeconds } from "../rate-limit/policy";
import type { LimitKey } from "../rate-limit/rate-limiter";

/** A limiter that does not answer within this budget counts as unreachable. */
const LIMITER_TIMEOUT_MS = 1000;

/**
 * Client addresses that spent their own budget on requests naming tenants that turned out not to
 * be theirs, until that budget refills. Their next requests are checked against their own bucket
 * before any tenant's, so a stranger cannot keep draining a tenant. Per isolate, bounded.
 */
const suspects = new Map<string, number>();
const MAX_SUSPECTS = 10_000;

function isSuspect(address: string, now: number): boolean {
  const until = suspects.get(address);
  if (until === undefined) return false;
  if (until > now) return true;
  suspects.delete(address);
  return false;
}

export const clientAddress = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? "unknown";

/**
 * Charges `key` `cost` tokens. Returns the decision (null when the limiter is off, or
 * unreachable with RATE_LIMIT_FAIL_MODE=open) or throws the 429 / 503 problem.
 */
export async function charge(c: Context<AppEnv>, key: LimitKey, cost: number): Promise<Decision | null> {
  const { RATE_LIMIT_ENABLED, RATE_LIMIT_FAIL_MODE } = c.get("config");
  if (!RATE_LIMIT_ENABLED) return null;
  let decision: Decision;
  try {
    decision = await withTimeout(c.get("rateLimiter").consume(key, cost), LIMITER_TIMEOUT_MS);
  } catch (error) {
    c.get("logger").error("rate limiter unreachable", {
      fail_mode: RATE_LIMIT_FAIL_MODE,
      limit_key: key.kind,
      ...describeError(error, { stack: false }),
    });
    if (RATE_LIMIT_FAIL_MODE === "open") return null;
    throw new ApiError("unavailable", "Rate limiting is unavailable; the request was not processed.", {
      headers: { "retry-after": "5" },
    });
  }
  const headers = rateLimitHeaders(decision, windowSeconds(decision));
  if (!decision.allowed) {
    const who =
      key.kind === "tenant" ? `The tenant's ${decision.policy} plan` : "Unauthenticated traffic from your address";
    throw new ApiError(
      "rate_limited",
      `${who} allows bursts of ${decision.burst} requests, refilled at ${decision.perMinute} per minute; retry in ${decision.retryAfterSeconds} s.`,
      {
        headers: { ...headers, "retry-after": String(decision.retryAfterSeconds) },
        extensions: { policy: decision.policy, retry_after: decision.retryAfterSeconds },
      },
    );
  }
  c.set("rateLimitHeaders", headers);
  return decision;
}

/**
 * Runs after authentication and before the database, so a throttled request costs no database
 * round trip. Tenant routes draw on the tenant's bucket; tenantless ones on the client
 * address's. After the response it teaches the limiter the tenant's plan (learned from the
 * request's own batch) and gives tokens back when the tenant turned out not to be the caller's.
 */
export function rateLimit(cost: number) {
  return createMiddleware<AppEnv>(async function rateLimitMiddleware(c, next) {
    const tenantId = c.get("tenantId") ?? c.get("rateLimitBucket");
    const address = clientAddress(c);
    const key: LimitKey = tenantId ? { kind: "tenant", tenantId } : { kind: "anonymous", address };
    if (key.kind === "tenant" && isSuspect(address, Date.now())) {
      await charge(c, { kind: "anonymous", address }, cost);
    }
    const decision = await charge(c, key, cost);
    await next();
    const headers = c.get("rateLimitHeaders");
    // On the response's own headers: c.header() after the handler copies the whole Response each call.
    if (headers) for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    if (!decision || key.kind !== "tenant") return;

    const identity = c.get("identity");
    const limiter = c.get("rateLimiter");
    const logFailure = (error: unknown) =>
      c.get("logger").warn("rate limiter update failed", describeError(error, { stack: false }));
    const { plan, planLimits } = identity ?? {};
    if (
      plan &&
      planLimits &&
      (!decision.planKnown || plan !== decision.policy || !sameLimits(planLimits, decision.planLimits))
    ) {
      c.executionCtx.waitUntil(limiter.setPlan(key.tenantId, plan, planLimits).catch(logFailure));
    } else if (!identity && (c.res.status === 401 || c.res.status === 404)) {
      // Not this tenant's request after all: its budget must not pay for strangers. The caller's
      // own budget pays instead, before the answer leaves, and once that is spent the caller is
      // checked against it before any tenant's.
      try {
        const [, own] = await Promise.all([
          limiter.refund(key, cost),
          limiter.consume({ kind: "anonymous", address }, cost),
        ]);
        if (!own.allowed) {
          if (suspects.size >= MAX_SUSPECTS) suspects.delete(suspects.keys().next().value ?? "");
          suspects.set(address, Date.now() + own.retryAfterSeconds * 1000);
        }
      } catch (error) {
        logFailure(error);
      }
    }
  });
}

/**
 * The call's answer, or a rejection once `ms` have passed. The timer is left to fire into a
 * settled promise (a no-op; workerd drops it with the request): clearing it was a second native
 * call on every request, half of what the timer cost in workerd's profile.
 */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject);
  });
}
