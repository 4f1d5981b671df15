import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { PLANS } from "../../db/schema/tenants";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const usageSchema = z
  .object({
    plan: z.enum(PLANS),
    rate_limit: z.object({
      burst: z.number().int().min(1).max(1_000_000).openapi({ description: "Requests that may be made at once" }),
      per_minute: z.number().positive().max(1_000_000).openapi({ description: "Rate at which the budget refills" }),
      remaining: z
        .number()
        .int()
        .min(0)
        .max(1_000_000)
        .openapi({ description: "Requests left right now (after this one)" }),
      reset_seconds: z
        .number()
        .int()
        .min(0)
        .max(2_147_483_647)
        .openapi({ description: "Seconds until the budget is full again" }),
    }),
  })
  .openapi("Usage");

export const getUsageRoute = createRoute({
  method: "get",
  path: "/v1/tenant/usage",
  operationId: "getTenantUsage",
  tags: ["Tenants"],
  summary: "The tenant's rate limits and remaining budget",
  description: "The plan's burst and refill rate, and what is left in the tenant's bucket right now.",
  ...v1Access({ role: "viewer", scope: "tenant:read" }),
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Current limits", content: { "application/json": { schema: usageSchema } } },
  },
});

export const getUsage = new OpenAPIHono<AppEnv>().openapi(getUsageRoute, async (c) => {
  // The batch proves membership and says the plan; the limiter says what is left.
  const { identity } = await c.var.scoped.batch(() => []);
  const { tenantId, plan } = identity;
  if (!tenantId || !plan) throw new Error("a tenant route without a tenant");
  const policy = c.var.config.RATE_LIMIT_PLANS[plan];
  const bucket = c.var.config.RATE_LIMIT_ENABLED ? await c.var.rateLimiter.peek(tenantId) : null;
  const remaining = Math.min(bucket?.remaining ?? policy.burst, policy.burst);
  return c.json(
    {
      plan,
      rate_limit: {
        burst: policy.burst,
        per_minute: policy.perMinute,
        remaining,
        reset_seconds: Math.ceil(((policy.burst - remaining) * 60) / policy.perMinute),
      },
    },
    200,
  );
});
