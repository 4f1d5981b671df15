import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Access } from "../auth/access";
import type { ModuleId } from "../billing/catalogue";
import { sha256Hex } from "../crypto/sha256";
import { createScopedDatabase } from "../db/scoped-database";
import { ApiError } from "../errors/api-error";
import { sendDeliveries } from "../webhooks/outbox";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const TENANT_HEADER = "X-Tenant-Id";

/** The limiter bucket of an organisation not yet resolved to a tenant: issuer hashed, id as given. */
export const organizationBucket = async (issuer: string, id: string) =>
  `org:${(await sha256Hex(issuer)).slice(0, 16)}:${id}`;

export const tenantNotFound = () =>
  new ApiError("not_found", "The tenant does not exist or you are not a member of it.");

/**
 * Declares what a route needs and builds its identity-bound database: every batch it sends
 * starts with app.begin_request for this caller, tenant, role and scope. The tenant comes from
 * the token's tenant claim or, for tokens without one and for API keys, from X-Tenant-Id.
 */
export function authorize(access: Access, options: { privilegedRead?: boolean; module?: ModuleId } = {}) {
  return createMiddleware<AppEnv>(async function authorizeMiddleware(c, next) {
    const principal = c.get("principal");
    const headerValue = c.req.header(TENANT_HEADER)?.trim() || null;
    let tenantId: string | null = null;
    if (access.role !== null) {
      const claimed = principal.tenantId?.toLowerCase() ?? null;
      const header = headerValue?.toLowerCase() ?? null;
      if (principal.kind === "api_key" && header && header !== claimed) throw tenantNotFound();
      if (principal.kind === "user" && claimed && header && claimed !== header) {
        throw new ApiError("forbidden", `The token is scoped to another tenant than ${TENANT_HEADER}.`);
      }
      tenantId = claimed ?? header;
      const organization = principal.kind === "user" ? principal.organization : undefined;
      if (organization) {
        // Resolved by the database in this request's batch; until then the rate limiter keys
        // the organisation's own bucket (README, Security model, "Identity-provider organisations").
        c.set("rateLimitBucket", await organizationBucket(organization.issuer, organization.id));
      } else if (!tenantId && principal.kind === "user") {
        throw new ApiError("bad_request", `Name the tenant with ${TENANT_HEADER} or use a token with a tenant claim.`);
      }
      if (tenantId && !UUID.test(tenantId)) throw tenantNotFound();
      if (tenantId) c.set("tenantId", tenantId);
    }
    // GET requests run read-only after the identity step (see app.begin_request).
    const readOnly = (c.req.method === "GET" || c.req.method === "HEAD") && !options.privilegedRead;
    const database = c.get("database");
    c.set(
      "scoped",
      // Read-only batches may be sent again when they got no answer; writes never are.
      createScopedDatabase(readOnly ? { ...database, db: database.readOnlyDb() } : database, {
        principal,
        tenantId,
        access,
        readOnly,
        requestId: c.get("requestId"),
        ...(options.module ? { module: options.module } : {}),
        onIdentity: (identity) => c.set("identity", identity),
        onDeliveries: (ids) => c.executionCtx.waitUntil(sendDeliveries(c.env, ids, c.get("logger"))),
      }),
    );
    await next();
  });
}
