import { sql } from "drizzle-orm";
import { type AnyPgColumn, pgPolicy, uuid } from "drizzle-orm/pg-core";
import { currentTenantId } from "./identity";
import { appApi } from "./roles";
import { tenants } from "./tenants";

/**
 * The owning tenant of a row: filled from the request's identity (app.begin_request), so an
 * insert cannot name another tenant, and gone with the tenant.
 */
export const tenantId = () =>
  uuid("tenant_id")
    .notNull()
    .default(sql`app.tenant_id()`)
    .references(() => tenants.id, { onDelete: "cascade" });

/** The API role sees and writes its own tenant's rows only. */
export const apiTenantPolicy = (name: string, column: AnyPgColumn) =>
  pgPolicy(name, {
    for: "all",
    to: appApi,
    using: sql`${column} = ${currentTenantId}`,
    withCheck: sql`${column} = ${currentTenantId}`,
  });
