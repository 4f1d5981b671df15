import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { slugSchema, TENANT_COLUMNS, type TenantRow, tenantNameSchema, tenantRowBody, tenantSchema } from "./schemas";

export const createTenantBodySchema = z
  .object({ slug: slugSchema, name: tenantNameSchema })
  .strict()
  .openapi("CreateTenant");

export const createTenantRoute = createRoute({
  method: "post",
  path: "/v1/tenants",
  operationId: "createTenant",
  tags: ["Tenants"],
  summary: "Create a tenant",
  description: "Creates a tenant and makes the caller its owner. Slugs are unique.",
  ...v1Access({ role: null, scope: null }),
  request: { body: { required: true, content: { "application/json": { schema: createTenantBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Created",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: tenantSchema } },
    },
    ...problemResponses(409),
  },
});

export const createTenant = new OpenAPIHono<AppEnv>().openapi(createTenantRoute, async (c) => {
  const { slug, name } = c.req.valid("json");
  const {
    results: [created],
  } = await c.var.scoped.batch((db) => [
    db.execute<TenantRow>(sql`select ${TENANT_COLUMNS} from app.create_tenant(${slug}, ${name})`),
  ]);
  const row = created.rows[0];
  if (!row) throw new Error("app.create_tenant returned no row");
  const body = tenantRowBody(row);
  c.header("Location", "/v1/tenant");
  return c.json(body, 201);
});
