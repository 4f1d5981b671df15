import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { PLANS, tenants } from "../../db/schema/tenants";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { operatorAuth } from "../../middleware/operator-auth";
import { tenantBody, tenantSchema } from "../tenants/schemas";

export const setPlanRoute = createRoute({
  method: "put",
  path: "/internal/tenants/{tenantId}/plan",
  operationId: "setTenantPlan",
  tags: ["Operator"],
  summary: "Change a tenant's plan (billing)",
  description:
    "For the billing system and operators, with `Authorization: Bearer <OPERATOR_TOKEN>`; absent when " +
    "OPERATOR_TOKEN is not set. Writes the plan as the maintenance role and pushes it to the tenant's rate " +
    "limiter, so the new limits apply from the tenant's next request.",
  security: [{ operatorToken: [] }],
  middleware: [operatorAuth()],
  request: {
    params: z.object({ tenantId: z.uuid().openapi({ param: { name: "tenantId", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: z.object({ plan: z.enum(PLANS) }).strict() } } },
  },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: tenantSchema } } },
    ...problemResponses(400, 401, 404, 503),
  },
});

export const setPlan = new OpenAPIHono<AppEnv>().openapi(setPlanRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const { plan } = c.req.valid("json");
  const maintenance = c.var.maintenanceDatabase;
  if (!maintenance)
    throw new ApiError("misconfigured", "MAINTENANCE_DATABASE_URL is not set; plans cannot be changed.");
  const [row] = await maintenance.db
    .update(tenants)
    .set({ plan })
    .where(sql`${eq(tenants.id, tenantId)} and ${tenants.deletedAt} is null`)
    .returning();
  if (!row) throw new ApiError("not_found", "No such tenant.");
  // Pushed before answering: the caller may rely on the new limits from the next request on.
  if (c.var.config.RATE_LIMIT_ENABLED) await c.var.rateLimiter.setPlan(tenantId, plan);
  return c.json(tenantBody(row), 200);
});
