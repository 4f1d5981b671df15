import { sql } from "drizzle-orm";
import { boolean, check, integer, pgPolicy, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { operators } from "./operators";
import { appApi, appAuth, appMaintenance, appPlatform } from "./roles";
import { purgeDeletePolicy } from "./tenant-scoped";
import { tenants } from "./tenants";

/**
 * The product's capabilities a plan includes (plans.modules holds their ids) and an operator may
 * switch on or off per tenant. Data, seeded by migration; everyone may read the catalogue.
 */
export const modules = pgTable(
  "modules",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    check("modules_id_format", sql`${t.id} ~ '^[a-z][a-z0-9_]{0,39}$'`),
    pgPolicy("modules_api_select", { for: "select", to: appApi, using: sql`true` }),
    pgPolicy("modules_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("modules_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
  ],
).enableRLS();

/**
 * An operator's per-tenant decision on one module, over what the plan includes: `enabled` true
 * grants a module the plan lacks, false withholds one it has. No row: the plan decides. Written
 * only by app.operator_set_tenant_module (app_platform); app.refuse_disabled_module and
 * app.tenant_module_ids (app_auth) read it by its primary key. The API role has no privilege on it.
 */
export const tenantModules = pgTable(
  "tenant_modules",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    module: text("module")
      .notNull()
      .references(() => modules.id),
    enabled: boolean("enabled").notNull(),
    reason: text("reason").notNull(),
    operatorId: uuid("operator_id").references(() => operators.id),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.module] }),
    pgPolicy("tenant_modules_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("tenant_modules_platform_all", { for: "all", to: appPlatform, using: sql`true`, withCheck: sql`true` }),
    // The maintenance cron skips queued jobs of a module the tenant lacks (app.tenant_has_module).
    pgPolicy("tenant_modules_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    purgeDeletePolicy("tenant_modules", t.tenantId),
  ],
).enableRLS();

export type ModuleRow = typeof modules.$inferSelect;
