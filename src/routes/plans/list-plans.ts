import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { plans } from "../../db/schema/plans";
import { problemResponses } from "../../errors/problem";
import { rateLimit } from "../../middleware/rate-limit";
import { RATE_LIMIT_COST, TENANT_SCOPED } from "../../openapi/conventions";
import { type PlanRow, planBody, planSchema } from "./schemas";

export const listPlansRoute = createRoute({
  method: "get",
  path: "/v1/plans",
  operationId: "listPlans",
  tags: ["Billing"],
  summary: "The plans on offer",
  description:
    "Public: no credentials. Every plan with its rate limits, monthly quotas, seat limit, modules and the display " +
    "data of its price. Rate-limited per client address.",
  security: [],
  middleware: [rateLimit(1)],
  [RATE_LIMIT_COST]: 1,
  [TENANT_SCOPED]: false,
  responses: {
    200: {
      description: "The plans, in display order",
      content: { "application/json": { schema: z.object({ data: z.array(planSchema).max(100) }) } },
    },
    ...problemResponses(429, 503),
  },
});

export const listPlans = new OpenAPIHono<AppEnv>().openapi(listPlansRoute, async (c) => {
  // Plans are readable by the API role without an identity (their policy is `true`): no
  // begin_request, one read-only query.
  const rows = await c.var.database
    .readOnlyDb()
    .execute<PlanRow>(sql`select * from ${plans} order by ${plans.position}, ${plans.id} limit 100`);
  c.header("Cache-Control", "public, max-age=300");
  return c.json({ data: rows.rows.map(planBody) }, 200);
});
