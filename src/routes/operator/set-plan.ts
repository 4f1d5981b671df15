import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { plans } from "../../db/schema/plans";
import { tenants } from "../../db/schema/tenants";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { operatorAuth } from "../../middleware/operator-auth";
import { planIdSchema } from "../plans/schemas";
import { tenantBody, tenantSchema } from "../tenants/schemas";

export const setPlanRoute = createRoute({
  method: "put",
  path: "/internal/tenants/{tenantId}/plan",
  operationId: "setTenantPlan",
  tags: ["Operator"],
  summary: "Override a tenant's plan (manual, audited)",
  description:
    "For operators, with `Authorization: Bearer <OPERATOR_TOKEN>`; absent when OPERATOR_TOKEN is not set. Stripe's " +
    "webhooks set plans in normal operation; this is the manual override. Writes the plan as the maintenance role " +
    "(the audit log records `tenant.updated` by `system` with the old and new plan) and pushes the plan in force to " +
    "the tenant's rate limiter, so the new limits apply from the tenant's next request. Unknown plan: 422.",
  security: [{ operatorToken: [] }],
  middleware: [operatorAuth()],
  request: {
    params: z.object({ tenantId: z.uuid().openapi({ param: { name: "tenantId", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: z.object({ plan: planIdSchema }).strict() } } },
  },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: tenantSchema } } },
    ...problemResponses(400, 401, 404, 422, 503),
  },
});

export const setPlan = new OpenAPIHono<AppEnv>().openapi(setPlanRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const { plan } = c.req.valid("json");
  const maintenance = c.var.maintenanceDatabase;
  if (!maintenance)
    throw new ApiError("misconfigured", "MAINTENANCE_DATABASE_URL is not set; plans cannot be changed.");
  const [known] = await maintenance.db.select({ id: plans.id }).from(plans).where(eq(plans.id, plan));
  if (!known) throw new ApiError("unprocessable", `There is no plan "${plan}".`);
  const [row] = await maintenance.db
    .update(tenants)
    .set({ plan })
    .where(sql`${eq(tenants.id, tenantId)} and ${tenants.deletedAt} is null`)
    .returning();
  if (!row) throw new ApiError("not_found", "No such tenant.");
  // Pushed before answering: the caller may rely on the new limits from the next request on.
  if (c.var.config.RATE_LIMIT_ENABLED) {
    const inForce = await maintenance.db.execute<{ plan: string; rate_per_minute: number; rate_burst: number }>(
      sql`select plan, rate_per_minute, rate_burst from app.entitlements(${tenantId}::uuid)`,
    );
    const [entitled] = inForce.rows;
    if (entitled) {
      await c.var.rateLimiter.setPlan(tenantId, entitled.plan, {
        perMinute: Number(entitled.rate_per_minute),
        burst: Number(entitled.rate_burst),
      });
    }
  }
  return c.json(tenantBody(row), 200);
});
