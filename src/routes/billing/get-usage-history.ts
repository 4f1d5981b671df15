import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { METRICS, type Metric } from "../../billing/catalogue";
import { ApiError } from "../../errors/api-error";
import { V1_PROBLEMS, v1Access } from "../v1-route";

/** The longest series one request may ask for. */
export const MAX_HISTORY_DAYS = 366;
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

const dateSchema = z.iso.date().max(10);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const usageHistorySchema = z
  .object({
    from: dateSchema,
    to: dateSchema,
    days: z
      .array(
        z.object({
          date: dateSchema,
          usage: z.record(z.enum(METRICS), count).openapi({ description: "Every metric, 0 when unused" }),
        }),
      )
      .max(MAX_HISTORY_DAYS),
  })
  .openapi("UsageHistory");

export const getUsageHistoryRoute = createRoute({
  method: "get",
  path: "/v1/tenant/usage/history",
  operationId: "getTenantUsageHistory",
  tags: ["Billing"],
  summary: "Daily usage per metric (for a chart)",
  description:
    `One entry per UTC day from \`from\` to \`to\` (inclusive; default the last ${DEFAULT_DAYS} days, at most ` +
    `${MAX_HISTORY_DAYS}), every metric present. API requests appear once the tenant's rate limiter has written them.`,
  ...v1Access({ role: "viewer", scope: "tenant:read" }),
  request: {
    query: z.object({
      from: dateSchema.optional().openapi({ param: { name: "from", in: "query" }, example: "2026-11-01" }),
      to: dateSchema.optional().openapi({ param: { name: "to", in: "query" }, example: "2026-11-30" }),
    }),
  },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The series", content: { "application/json": { schema: usageHistorySchema } } },
  },
});

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const getUsageHistory = new OpenAPIHono<AppEnv>().openapi(getUsageHistoryRoute, async (c) => {
  const query = c.req.valid("query");
  const to = query.to ?? (query.from ? day(Date.parse(query.from) + (DEFAULT_DAYS - 1) * DAY_MS) : day(Date.now()));
  const from = query.from ?? day(Date.parse(to) - (DEFAULT_DAYS - 1) * DAY_MS);
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (span < 1) throw new ApiError("bad_request", "`from` must not be after `to`.");
  if (span > MAX_HISTORY_DAYS) throw new ApiError("bad_request", `At most ${MAX_HISTORY_DAYS} days per request.`);
  const {
    results: [found],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ date: string; usage: Partial<Record<Metric, number>> }>(sql`
      select d::date::text as date,
             coalesce(jsonb_object_agg(u.metric, u.used) filter (where u.metric is not null), '{}') as usage
        from generate_series(${from}::date, ${to}::date, interval '1 day') d
        left join usage u on u.tenant_id = app.tenant_id() and u.period = 'day' and u.starts_on = d::date
       group by d order by d`),
  ]);
  const days = found.rows.map((row) => ({
    date: row.date,
    usage: Object.fromEntries(METRICS.map((metric) => [metric, Number(row.usage[metric] ?? 0)])) as Record<
      Metric,
      number
    >,
  }));
  return c.json({ from, to, days }, 200);
});
