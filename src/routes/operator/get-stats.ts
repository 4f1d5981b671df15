import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { planIdSchema } from "../plans/schemas";
import { meteredCount, OPERATOR_PROBLEMS, operatorAccess, TENANT_STATUSES } from "./schemas";

const count = z.number().int().min(0).max(2_147_483_647);

export const statsSchema = z
  .object({
    tenants: z.array(z.object({ plan: planIdSchema, status: z.enum(TENANT_STATUSES), count })).max(100),
    active_users: z
      .object({ last_7_days: count, last_30_days: count })
      .openapi({ description: "Distinct users with an entry in a tenant's audit log (a write or privileged read)" }),
    days: z
      .array(
        z.object({
          date: z.iso.date(),
          requests: meteredCount.openapi({ description: "API requests (metered, all tenants)" }),
          imports: meteredCount.openapi({ description: "Companies House imports (metered)" }),
          scrapes: meteredCount.openapi({ description: "Scrape jobs (metered)" }),
        }),
      )
      .max(90)
      .openapi({ description: "Newest first, UTC days" }),
  })
  .openapi("PlatformStats");

export const getStatsRoute = createRoute({
  method: "get",
  path: "/internal/stats",
  operationId: "getPlatformStats",
  summary: "Platform statistics",
  description: "Tenants by plan and status, active users over 7 and 30 days, and per-day activity.",
  ...operatorAccess({ readOnly: false }),
  request: {
    query: z.object({
      days: z.coerce
        .number()
        .int()
        .min(1)
        .max(90)
        .default(30)
        .openapi({ param: { name: "days", in: "query" }, description: "How many days `days` covers" }),
    }),
  },
  responses: {
    ...OPERATOR_PROBLEMS,
    200: { description: "The figures", content: { "application/json": { schema: statsSchema } } },
  },
});

export const getStats = new OpenAPIHono<AppEnv>().openapi(getStatsRoute, async (c) => {
  const { days } = c.req.valid("query");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ stats: z.infer<typeof statsSchema> }>(sql`select app.operator_stats(${days}) as stats`),
  ]);
  const stats = result.rows[0]?.stats;
  if (!stats) throw new Error("app.operator_stats returned nothing");
  return c.json(stats, 200);
});
