/**
 * Bench-only entry (`npm run bench -- rate-limiter`): the API unchanged, run with a wrangler.toml
 * whose RATE_LIMITER binding names BareLimiter, a Durable Object whose methods do nothing and
 * admit everything. Every request then takes the API's whole limiter path (middleware, client,
 * stub, one RPC, headers) except the decision itself: what a bare Durable Object call costs in
 * the API's own isolate, the floor the real limiter is held to.
 */
import { DurableObject } from "cloudflare:workers";
import type { Decision } from "../../src/rate-limit/decision";

export { default, HostThrottle, SecurityEventSink, TenantRateLimiter } from "../../src/index";

const ADMITTED: Decision = {
  allowed: true,
  // The plan the bench's tenant has, so the API never needs to teach it.
  policy: "pro",
  planKnown: true,
  // The seeded pro plan's limits (the plans table), likewise.
  planLimits: { perMinute: 1200, burst: 300 },
  burst: 1_000_000,
  perMinute: 1_000_000,
  remaining: 1_000_000,
  resetSeconds: 0,
  retryAfterSeconds: 0,
};

export class BareLimiter extends DurableObject {
  consume(): Decision {
    return ADMITTED;
  }

  refund(): void {}

  setPlan(): void {}
}
