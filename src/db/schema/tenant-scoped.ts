import { sql } from "drizzle-orm";
import { type AnyPgColumn, pgPolicy, uuid } from "drizzle-orm/pg-core";
import { currentTenantId } from "./identity";
import { appApi, appMaintenance } from "./roles";
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

const purging = (column: AnyPgColumn) =>
  sql`${column} in (select t.id from tenants t where t.purge_started_at is not null)`;

/**
 * The retention cron may delete a tenant's rows of this table only while that tenant is being
 * purged (offboarding, src/cron/tenant-purge.ts): nothing of a live or restorable tenant.
 */
export const purgeDeletePolicy = (table: string, column: AnyPgColumn) =>
  pgPolicy(`${table}_maintenance_purge_delete`, { for: "delete", to: appMaintenance, using: purging(column) });

/** For tables the cron has no other reason to read: reading and deleting, of purged tenants only. */
export const purgePolicies = (table: string, column: AnyPgColumn) => [
  pgPolicy(`${table}_maintenance_purge_select`, { for: "select", to: appMaintenance, using: purging(column) }),
  purgeDeletePolicy(table, column),
];
