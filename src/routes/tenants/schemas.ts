import { z } from "@hono/zod-openapi";
import { MODULES } from "../../billing/catalogue";
import { type Tenant, tenants } from "../../db/schema/tenants";
import { type RowOf, selectList } from "../../db/selection";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { planIdSchema } from "../plans/schemas";

export const slugSchema = z
  .string()
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "lower-case letters, digits and inner hyphens; 1-63 characters")
  .openapi({ example: "acme-sales" });
export const tenantNameSchema = z.string().trim().min(1).max(200).openapi({ example: "Acme Sales" });
/** The tenant's line of business (its own words, as an id); feature flags may target it. */
export const sectorSchema = z
  .string()
  .max(40)
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "a lower-case id: letters, digits and underscores, starting with a letter")
  .openapi({ example: "it_services" });

export const tenantSchema = z
  .object({
    id: z.uuid(),
    slug: z.string().max(63),
    name: z.string().max(200),
    plan: planIdSchema,
    sector: sectorSchema.nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .openapi("Tenant");

export type TenantBody = z.infer<typeof tenantSchema>;

/** The columns a tenant's API body is made of. */
const tenantColumns = {
  id: tenants.id,
  slug: tenants.slug,
  name: tenants.name,
  plan: tenants.plan,
  sector: tenants.sector,
  createdAt: tenants.createdAt,
  updatedAt: tenants.updatedAt,
};

/** A tenants row as raw SQL returns `TENANT_COLUMNS` (column names), e.g. from app.create_tenant(). */
export type TenantRow = RowOf<typeof tenantColumns>;

/** The select list of `tenantColumns` (timestamps as text). */
export const TENANT_COLUMNS = selectList(tenantColumns);

/** The API body of a raw row. */
export const tenantRowBody = (row: TenantRow): TenantBody =>
  tenantBody({ ...row, createdAt: row.created_at, updatedAt: row.updated_at });

export function tenantBody(
  row: Pick<Tenant, "id" | "slug" | "name" | "plan" | "sector" | "createdAt" | "updatedAt">,
): TenantBody {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    plan: row.plan,
    sector: row.sector,
    created_at: isoTimestamp(row.createdAt),
    updated_at: isoTimestamp(row.updatedAt),
  };
}

/** GET /v1/tenant: the tenant with the modules it has now (its plan's, with operators' overrides). */
export const currentTenantSchema = tenantSchema
  .extend({
    modules: z
      .array(z.enum(MODULES))
      .max(MODULES.length)
      .openapi({ description: "The modules the tenant has now: its plan's, with any operator's overrides applied" }),
  })
  .openapi("CurrentTenant");
