import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { planIdSchema } from "../plans/schemas";
import {
  OPERATOR_PROBLEMS,
  type OperatorTenantRow,
  operatorAccess,
  operatorTenantBody,
  operatorTenantSchema,
  TENANT_STATUSES,
} from "./schemas";

export const listTenantsRoute = createRoute({
  method: "get",
  path: "/internal/tenants",
  operationId: "listPlatformTenants",
  summary: "Search all tenants",
  description:
    "Newest first. `q` matches the name or slug (case-insensitive substring); filters by plan and status. " +
    "Each tenant carries its member count and this month's usage. Recorded in the platform audit log.",
  ...operatorAccess({ readOnly: false }),
  request: {
    query: pageQuerySchema.extend({
      q: z.string().trim().min(1).max(200).optional(),
      plan: planIdSchema.optional(),
      status: z.enum(TENANT_STATUSES).optional(),
    }),
  },
  responses: {
    ...OPERATOR_PROBLEMS,
    200: {
      description: "A page of tenants",
      content: { "application/json": { schema: pageSchema(operatorTenantSchema) } },
    },
  },
});

export const listTenants = new OpenAPIHono<AppEnv>().openapi(listTenantsRoute, async (c) => {
  const query = c.req.valid("query");
  const after = decodeCursor(query.cursor, 2);
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ tenant: OperatorTenantRow }>(
      sql`select t as tenant from app.operator_list_tenants(${query.q ?? null}, ${query.plan ?? null},
        ${query.status ?? null}, ${after?.[0] ?? null}::timestamptz, ${after?.[1] ?? null}::uuid, ${query.limit + 1}) t`,
    ),
  ]);
  const tenants = result.rows.map((row) => row.tenant);
  const listed = page(tenants, query.limit, (tenant) => [tenant.created_at, tenant.id]);
  return c.json({ items: listed.items.map(operatorTenantBody), next_cursor: listed.next_cursor }, 200);
});
