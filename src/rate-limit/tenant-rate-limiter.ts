import { DurableObject } from "cloudflare:workers";
import type { Env } from "../config/env";

/**
 * One instance per tenant (anonymous traffic: one per client address), addressed by name.
 * SQLite-backed (wrangler.toml migration v1). The limiting algorithm arrives with the
 * rate-limit issue; the class exists now so the binding and its migration are deployable.
 */
export class TenantRateLimiter extends DurableObject<Env> {}
