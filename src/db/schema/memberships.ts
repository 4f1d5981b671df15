import { sql } from "drizzle-orm";
import { check, index, pgPolicy, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { timestamps } from "./columns";
import { currentTenantId, currentUserId } from "./identity";
import { appApi, appAuth, appPlatform } from "./roles";
import { apiTenantPolicy, purgePolicies } from "./tenant-scoped";
import { tenants } from "./tenants";
import { users } from "./users";

/** Ordered from most to least privileged; app.role_rank() in SQL uses the same order. */
export const ROLES = ["owner", "admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const WORKSPACE_SCOPES = ["all", "assigned"] as const;
export type WorkspaceScope = (typeof WORKSPACE_SCOPES)[number];

export const memberships = pgTable(
  "memberships",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    /** `assigned`: confined to the member's workspaces. Owners and admins always see everything. */
    workspaceScope: text("workspace_scope", { enum: WORKSPACE_SCOPES }).notNull().default("all"),
    ...timestamps,
  },
  (t) => [
    primaryKey({ name: "memberships_pkey", columns: [t.tenantId, t.userId] }),
    index("memberships_user_id_idx").on(t.userId),
    check("memberships_role_check", sql`${t.role} in ('owner', 'admin', 'editor', 'viewer')`),
    check("memberships_workspace_scope_check", sql`${t.workspaceScope} in ('all', 'assigned')`),
    apiTenantPolicy("memberships_api_all", t.tenantId),
    pgPolicy("memberships_api_select_own", {
      for: "select",
      to: appApi,
      using: sql`${currentTenantId} is null and ${t.userId} = ${currentUserId}`,
    }),
    pgPolicy("memberships_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("memberships_auth_insert", { for: "insert", to: appAuth, withCheck: sql`true` }),
    ...purgePolicies("memberships", t.tenantId),
    pgPolicy("memberships_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
  ],
).enableRLS();

export type Membership = typeof memberships.$inferSelect;
