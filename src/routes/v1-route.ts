import type { Access } from "../auth/access";
import type { ModuleId } from "../billing/catalogue";
import { problemResponses } from "../errors/problem";
import { authenticate } from "../middleware/authenticate";
import { authorize } from "../middleware/authorize";
import { rateLimit } from "../middleware/rate-limit";
import { MODULE, RATE_LIMIT_COST, TENANT_SCOPED } from "../openapi/conventions";

/**
 * What makes a `/v1` route: authenticated at the edge, then authorised by Postgres in the
 * route's one database round trip. Spread into `createRoute({...})`; the access rule is part of
 * the route definition, so it shows in the OpenAPI document (`x-required-role`, `x-api-key-scope`)
 * and cannot be forgotten.
 *
 * `x-rate-limit-cost` and `x-tenant-scoped` also tell `applyConventions` (src/openapi) which
 * headers and problems the operation has.
 *
 * `privilegedRead`: a GET that records itself in the audit log needs a read-write transaction.
 * `cost`: tokens the request takes from the tenant's rate-limit bucket (default 1; imports and
 * scrape requests cost more).
 * `module`: the product module the route belongs to (`x-module`); app.begin_request refuses a
 * tenant without it (403 `module_disabled`) in the same round trip. Routes of no module pay nothing.
 */
const SECURITY: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKey: [] }];

export function v1Access(access: Access, options: { privilegedRead?: boolean; cost?: number; module?: ModuleId } = {}) {
  return {
    security: SECURITY,
    middleware: [authenticate(), authorize(access, options), rateLimit(options.cost ?? 1)],
    "x-required-role": access.role ?? "any signed-in user (not API keys)",
    [RATE_LIMIT_COST]: options.cost ?? 1,
    [TENANT_SCOPED]: access.role !== null,
    ...(access.scope ? { "x-api-key-scope": access.scope } : {}),
    ...(options.module ? { [MODULE]: options.module } : {}),
  };
}

/** The problems every `/v1` route can answer with. */
export const V1_PROBLEMS = problemResponses(400, 401, 403, 404, 429, 503);
