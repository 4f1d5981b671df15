/**
 * Bench-only Worker (see wrangler.toml beside it). Each path does one thing and answers a constant
 * JSON body, so the differences between paths are the cost of that thing alone:
 * - `/constant`: nothing (the runtime's own cost of a request);
 * - `/bare`: one RPC to a Durable Object method that does nothing (a stub made per request,
 *   as the API does);
 * - `/limiter`: one `consume` through the API's own limiter client, and its headers built (the
 *   client names the tenant, so the object meters the request: `api_requests`);
 * - `/limiter-unmetered`: the same call without the tenant, so the object decides but meters
 *   nothing (the metering bench compares the two).
 */
import { DurableObject } from "cloudflare:workers";
import { rateLimitHeaders } from "../../src/rate-limit/decision";
import { windowSeconds } from "../../src/rate-limit/policy";
import { durableObjectRateLimiter } from "../../src/rate-limit/rate-limiter";
import type { TenantRateLimiter } from "../../src/rate-limit/tenant-rate-limiter";

export { TenantRateLimiter } from "../../src/rate-limit/tenant-rate-limiter";

export class BareObject extends DurableObject {
  noop(): null {
    return null;
  }
}

interface FloorEnv {
  RATE_LIMITER: DurableObjectNamespace<TenantRateLimiter>;
  BARE: DurableObjectNamespace<BareObject>;
}

// Never the bottleneck: the bench measures a decision's cost, not refusals.
const plans = JSON.stringify({ free: { per_minute: 1_000_000, burst: 1_000_000 } });
const TENANT = "00000000-0000-4000-8000-000000000000";

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    let headers: Record<string, string> = {};
    if (path === "/bare") {
      await env.BARE.get(env.BARE.idFromName(`tenant:${TENANT}`)).noop();
    } else if (path === "/limiter") {
      const limiter = durableObjectRateLimiter(env.RATE_LIMITER, plans);
      const decision = await limiter.consume({ kind: "tenant", tenantId: TENANT }, 1);
      if (!decision.allowed) return new Response("refused", { status: 429 });
      headers = rateLimitHeaders(decision, windowSeconds(decision));
    } else if (path === "/limiter-unmetered") {
      const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`tenant:${TENANT}`));
      const decision = await stub.consume({ cost: 1, kind: "tenant", plans });
      if (!decision.allowed) return new Response("refused", { status: 429 });
      headers = rateLimitHeaders(decision, windowSeconds(decision));
    } else if (path !== "/constant") {
      return new Response("not found", { status: 404 });
    }
    return Response.json({ ok: true }, { headers });
  },
} satisfies ExportedHandler<FloorEnv>;
