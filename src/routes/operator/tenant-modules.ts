import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { MODULES } from "../../billing/catalogue";
import { ApiError } from "../../errors/api-error";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { planIdSchema } from "../plans/schemas";
import { OPERATOR_PROBLEMS, operatorAccess } from "./schemas";

const moduleParams = z.object({
  tenantId: z.uuid().openapi({ param: { name: "tenantId", in: "path" } }),
  module: z.enum(MODULES).openapi({ param: { name: "module", in: "path" } }),
});

const moduleOverrideBody = z
  .object({
    enabled: z
      .boolean()
      .openapi({ description: "true: the tenant has the module whatever its plan; false: it has not" }),
    reason: z.string().trim().min(1).max(500).openapi({ example: "Trial of scraping agreed with sales" }),
  })
  .strict()
  .openapi("ModuleOverride");

export const tenantModulesSchema = z
  .object({
    tenant_id: z.uuid(),
    plan: planIdSchema.openapi({ description: "The plan in force" }),
    modules: z.array(z.enum(MODULES)).max(MODULES.length).openapi({ description: "The modules the tenant has now" }),
    overrides: z
      .array(
        z.object({
          module: z.enum(MODULES),
          enabled: z.boolean(),
          reason: z.string().max(500),
          updated_at: timestampSchema,
        }),
      )
      .max(MODULES.length),
  })
  .openapi("TenantModules");

type TenantModules = z.infer<typeof tenantModulesSchema>;

const answered = {
  description: "The tenant's modules after the change",
  content: { "application/json": { schema: tenantModulesSchema } },
};

export const setTenantModuleRoute = createRoute({
  method: "put",
  path: "/internal/tenants/{tenantId}/modules/{module}",
  operationId: "setTenantModule",
  summary: "Switch a module on or off for one tenant",
  description:
    "Over what the tenant's plan includes, from its next request on (a route of a module it lacks answers 403 " +
    "`module_disabled`). Recorded in the platform audit log (`tenant.module_override_set`, with the previous " +
    "decision and the reason).",
  ...operatorAccess({ readOnly: false }),
  request: {
    params: moduleParams,
    body: { required: true, content: { "application/json": { schema: moduleOverrideBody } } },
  },
  responses: { ...OPERATOR_PROBLEMS, 200: answered },
});

export const deleteTenantModuleRoute = createRoute({
  method: "delete",
  path: "/internal/tenants/{tenantId}/modules/{module}",
  operationId: "deleteTenantModule",
  summary: "Let the plan decide a tenant's module again",
  description:
    "Removes the operator's override; recorded in the platform audit log (`tenant.module_override_removed`). " +
    "404 if there was none.",
  ...operatorAccess({ readOnly: false }),
  request: { params: moduleParams },
  responses: { ...OPERATOR_PROBLEMS, 200: answered },
});

const body = (row: TenantModules): TenantModules => ({
  ...row,
  overrides: row.overrides.map((o) => ({ ...o, updated_at: isoTimestamp(o.updated_at) })),
});

export const setTenantModule = new OpenAPIHono<AppEnv>().openapi(setTenantModuleRoute, async (c) => {
  const { tenantId, module } = c.req.valid("param");
  const { enabled, reason } = c.req.valid("json");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ modules: TenantModules | null }>(
      sql`select app.operator_set_tenant_module(${tenantId}::uuid, ${module}, ${enabled}, ${reason}) as modules`,
    ),
  ]);
  const row = result.rows[0]?.modules;
  if (!row) throw new ApiError("not_found", "No such tenant (or it is deleted).");
  return c.json(body(row), 200);
});

export const deleteTenantModule = new OpenAPIHono<AppEnv>().openapi(deleteTenantModuleRoute, async (c) => {
  const { tenantId, module } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ modules: TenantModules | null }>(
      sql`select app.operator_set_tenant_module(${tenantId}::uuid, ${module}, null, null) as modules`,
    ),
  ]);
  const row = result.rows[0]?.modules;
  if (!row) throw new ApiError("not_found", `The tenant does not exist or has no override of ${module}.`);
  return c.json(body(row), 200);
});
