import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { METRICS } from "../../billing/catalogue";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { parsePolicies, planPolicy } from "../../rate-limit/policy";
import { metricSchema, planIdSchema } from "../plans/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const usageSchema = z
  .object({
    plan: planIdSchema.openapi({ description: "The plan in force" }),
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
    period: z
      .object({ start: timestampSchema, end: timestampSchema })
      .openapi({ description: "The quota period: the calendar month (UTC)" }),
    metrics: z
      .array(
        z.object({
          metric: metricSchema,
          used: count,
          quota: count.nullable().openapi({ description: "Null: no quota on this plan" }),
          remaining: count.nullable(),
          resets_at: timestampSchema,
        }),
      )
      .max(METRICS.length),
    seats: z.object({
      used: count,
      limit: count.nullable().openapi({ description: "Null: unlimited" }),
    }),
  })
  .openapi("Usage");

export const getUsageRoute = createRoute({
  method: "get",
  path: "/v1/tenant/usage",
  operationId: "getTenantUsage",
  tags: ["Billing"],
  summary: "The tenant's usage this period, against its plan",
  description:
    "Per metered action: what this calendar month (UTC) has used, the plan's quota and when it resets; the seats " +
    "taken; the rate limit and what is left in the tenant's bucket right now. API requests are written by the " +
    "tenant's rate limiter in aggregate; the ones it has not written yet are included.",
  ...v1Access({ role: "viewer", scope: "tenant:read" }),
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Current usage", content: { "application/json": { schema: usageSchema } } },
  },
});

interface UsageRow extends Record<string, unknown> {
  plan: string;
  quotas: Record<string, number>;
  seat_limit: number | null;
  seats_used: number;
  used: Record<string, number>;
  period_start: string;
  period_end: string;
}

export const getUsage = new OpenAPIHono<AppEnv>().openapi(getUsageRoute, async (c) => {
  const {
    identity,
    results: [found],
  } = await c.var.scoped.batch((db) => [
    db.execute<UsageRow>(sql`with period as (select date_trunc('month', now() at time zone 'UTC')::date as start)
      select e.plan, e.quotas, e.seat_limit,
        -- Open invitations hold their seats until accepted, revoked or expired (app.assert_seat_available).
        (select count(*)::int from memberships m where m.tenant_id = app.tenant_id())
          + (select count(*)::int from invitations i where i.tenant_id = app.tenant_id() and i.accepted_at is null
               and i.revoked_at is null and i.expires_at > now()) as seats_used,
        coalesce((select jsonb_object_agg(u.metric, u.used) from usage u, period p
                   where u.tenant_id = app.tenant_id() and u.period = 'month' and u.starts_on = p.start), '{}') as used,
        (p.start::timestamp at time zone 'UTC')::text as period_start,
        ((p.start + interval '1 month') at time zone 'UTC')::text as period_end
      from app.entitlements(app.tenant_id()) e, period p`),
  ]);
  const { tenantId } = identity;
  const [row] = found.rows;
  if (!tenantId || !row || !identity.planLimits) throw new Error("a tenant route without a tenant");
  const policy = planPolicy(parsePolicies(c.var.config.RATE_LIMIT_PLANS), row.plan, identity.planLimits);
  const bucket = c.var.config.RATE_LIMIT_ENABLED ? await c.var.rateLimiter.peek(tenantId) : null;
  const remaining = Math.min(bucket?.remaining ?? policy.burst, policy.burst);
  const resetsAt = isoTimestamp(row.period_end);
  return c.json(
    {
      plan: row.plan,
      rate_limit: {
        burst: policy.burst,
        per_minute: policy.perMinute,
        remaining,
        reset_seconds: Math.ceil(((policy.burst - remaining) * 60) / policy.perMinute),
      },
      period: { start: isoTimestamp(row.period_start), end: resetsAt },
      metrics: METRICS.map((metric) => {
        const used = Number(row.used[metric] ?? 0) + (metric === "api_requests" ? (bucket?.unflushedRequests ?? 0) : 0);
        const quota = row.quotas[metric] === undefined ? null : Number(row.quotas[metric]);
        return {
          metric,
          used,
          quota,
          remaining: quota === null ? null : Math.max(0, quota - used),
          resets_at: resetsAt,
        };
      }),
      seats: { used: row.seats_used, limit: row.seat_limit === null ? null : Number(row.seat_limit) },
    },
    200,
  );
});
