import { z } from "@hono/zod-openapi";
import type { Tenant } from "../../db/schema/tenants";
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
