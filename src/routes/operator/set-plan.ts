import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { planIdSchema } from "../plans/schemas";
import {
  OPERATOR_PROBLEMS,
  type OperatorTenantRow,
  operatorAccess,
  operatorTenantBody,
  operatorTenantSchema,
  tenantIdParams,
} from "./schemas";

interface Entitlements {
  plan: string;
  rate_per_minute: number;
  rate_burst: number;
}

export const setPlanRoute = createRoute({
  method: "put",
  path: "/internal/tenants/{tenantId}/plan",
  operationId: "setTenantPlan",
  summary: "Change a tenant's plan (billing)",
  description:
    "For the billing system and operators, each with an operator key of its own. Written by app.operator_set_plan " +
    "(recorded in the platform audit log) and pushed to the tenant's rate limiter, so the new limits apply from " +
    "the tenant's next request. Plans are rows of the plans table: an unknown plan answers 422 and changes nothing.",
  ...operatorAccess({ readOnly: false }),
  request: {
    params: tenantIdParams,
    body: { required: true, content: { "application/json": { schema: z.object({ plan: planIdSchema }).strict() } } },
  },
  responses: {
    ...OPERATOR_PROBLEMS,
    ...problemResponses(422),
    200: { description: "Updated", content: { "application/json": { schema: operatorTenantSchema } } },
  },
});

export const setPlan = new OpenAPIHono<AppEnv>().openapi(setPlanRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const { plan } = c.req.valid("json");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ tenant: (OperatorTenantRow & { entitlements: Entitlements | null }) | null }>(
      sql`select app.operator_set_plan(${tenantId}::uuid, ${plan}) as tenant`,
    ),
  ]);
  const tenant = result.rows[0]?.tenant;
  if (!tenant) throw new ApiError("not_found", "No such tenant.");
  // Pushed before answering: the caller may rely on the new limits from the next request on.
  // The plan in force and its limits, as app.entitlements gives them (a lapsed subscription may
  // keep the tenant on another plan than the one written).
  const { entitlements, ...row } = tenant;
  if (c.var.config.RATE_LIMIT_ENABLED && entitlements) {
    await c.var.rateLimiter.setPlan(tenantId, entitlements.plan, {
      perMinute: Number(entitlements.rate_per_minute),
      burst: Number(entitlements.rate_burst),
    });
  }
  return c.json(operatorTenantBody(row), 200);
});
