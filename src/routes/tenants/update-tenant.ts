import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { tenants } from "../../db/schema/tenants";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { sectorSchema, slugSchema, tenantBody, tenantNameSchema, tenantSchema } from "./schemas";

export const updateTenantBodySchema = z
  .object({
    slug: slugSchema.optional(),
    name: tenantNameSchema.optional(),
    sector: sectorSchema
      .nullable()
      .optional()
      .openapi({ description: "The tenant's line of business; null clears it" }),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), "give at least one of slug, name, sector")
  .openapi("UpdateTenant");

export const updateTenantRoute = createRoute({
  method: "patch",
  path: "/v1/tenant",
  operationId: "updateTenant",
  tags: ["Tenants"],
  summary: "Rename the current tenant, change its slug or its sector",
  description:
    "Admins only. Slugs are unique: a taken one is a 409. The sector (a lower-case id such as `it_services`) " +
    "is the tenant's line of business; feature flags may target it.",
  ...v1Access({ role: "admin", scope: "tenant:write" }),
  request: { body: { required: true, content: { "application/json": { schema: updateTenantBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Updated", content: { "application/json": { schema: tenantSchema } } },
    ...problemResponses(409),
  },
});

export const updateTenant = new OpenAPIHono<AppEnv>().openapi(updateTenantRoute, async (c) => {
  const changes = c.req.valid("json");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db.update(tenants).set(changes).where(sql`${tenants.id} = app.tenant_id()`).returning(),
  ]);
  const [tenant] = rows;
  if (!tenant) throw new Error("tenant vanished within its own transaction");
  return c.json(tenantBody(tenant), 200);
});
