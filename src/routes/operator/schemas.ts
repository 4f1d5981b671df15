import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../errors/problem";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { operatorAuth } from "../../middleware/operator-auth";
import { planIdSchema } from "../plans/schemas";

/** A metered count (the usage table's bigint). */
export const meteredCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const TENANT_STATUSES = ["active", "suspended", "deleted"] as const;

/**
 * What makes an `/internal` route: an operator key or operator JWT (operatorAuth), then one round
 * trip that opens with app.begin_operator_request and calls an app.operator_* function, which
 * records the action in the platform audit log in the same transaction.
 */
export function operatorAccess(options: { readOnly: boolean }) {
  return {
    security: [{ operatorAuth: [] }],
    middleware: [operatorAuth(options)],
    tags: ["Operator"],
  };
}

export const OPERATOR_PROBLEMS = problemResponses(400, 401, 403, 404, 429, 503);

export const tenantIdParams = z.object({
  tenantId: z.uuid().openapi({ param: { name: "tenantId", in: "path" } }),
});

export const operatorTenantSchema = z
  .object({
    id: z.uuid(),
    slug: z.string().max(63),
    name: z.string().max(200),
    plan: planIdSchema,
    status: z.enum(TENANT_STATUSES),
    suspended_at: timestampSchema.nullable(),
    suspension_reason: z.string().max(500).nullable(),
    created_at: timestampSchema,
    deleted_at: timestampSchema.nullable(),
    member_count: z.number().int().min(0).max(2_147_483_647),
    usage: z
      .object({
        period_start: timestampSchema,
        companies_created: z.number().int().min(0).max(2_147_483_647),
        api_requests: meteredCount.openapi({
          description: "API requests counted by the rate limiter (flushed every few minutes)",
        }),
        companies_house_imports: meteredCount,
        scrape_jobs: meteredCount,
        exported_rows: meteredCount,
      })
      .openapi({ description: "This calendar month (UTC), so far" }),
  })
  .openapi("OperatorTenant");

export type OperatorTenantRow = Omit<z.infer<typeof operatorTenantSchema>, "usage"> & {
  usage: z.infer<typeof operatorTenantSchema>["usage"];
};

/** A row of app.operator_tenant_json: timestamps as Postgres' jsonb prints them, made ISO 8601. */
export function operatorTenantBody(row: OperatorTenantRow): z.infer<typeof operatorTenantSchema> {
  return {
    ...row,
    suspended_at: isoTimestamp(row.suspended_at),
    created_at: isoTimestamp(row.created_at),
    deleted_at: isoTimestamp(row.deleted_at),
    usage: { ...row.usage, period_start: isoTimestamp(row.usage.period_start) },
  };
}

export const reasonBody = z
  .object({ reason: z.string().trim().min(1).max(500).openapi({ example: "Unpaid invoices since October" }) })
  .strict();
