import { z } from "@hono/zod-openapi";
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

export const tenantSchema = z
  .object({
    id: z.uuid(),
    slug: z.string().max(63),
    name: z.string().max(200),
    plan: planIdSchema,
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

export function tenantBody(row: Pick<Tenant, "id" | "slug" | "name" | "plan" | "createdAt" | "updatedAt">): TenantBody {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    plan: row.plan,
    created_at: isoTimestamp(row.createdAt),
    updated_at: isoTimestamp(row.updatedAt),
  };
}
