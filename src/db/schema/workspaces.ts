import { sql } from "drizzle-orm";
import { check, foreignKey, index, pgPolicy, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps, timestamptz } from "./columns";
import { companies } from "./companies";
import { memberships } from "./memberships";
import { appApi } from "./roles";
import { apiTenantPolicy, purgePolicies, tenantId } from "./tenant-scoped";
import { currentWorkspaceIdArray, currentWorkspaceIds } from "./workspace-scoped";

/** A territory of a tenant's book: some of its companies, worked by some of its members. */
export const workspaces = pgTable(
  "workspaces",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("workspaces_tenant_name_key").on(t.tenantId, sql`lower(${t.name})`),
    // The target of the (tenant_id, workspace_id) keys below: same tenant, enforced by the key.
    uniqueIndex("workspaces_tenant_id_key").on(t.tenantId, t.id),
    check("workspaces_name_length", sql`length(${t.name}) between 1 and 100`),
    apiTenantPolicy("workspaces_api_all", t.tenantId),
    // A confined member sees only their own workspaces: another's id is a 404.
    pgPolicy("workspaces_api_workspace", {
      as: "restrictive",
      for: "all",
      to: appApi,
      using: sql`${currentWorkspaceIds} is null or ${t.id} = any (${currentWorkspaceIdArray})`,
      withCheck: sql`${currentWorkspaceIds} is null or ${t.id} = any (${currentWorkspaceIdArray})`,
    }),
    ...purgePolicies("workspaces", t.tenantId),
  ],
).enableRLS();

/** Who works a workspace. Gone with the membership (composite key) or the workspace. */
export const workspaceMembers = pgTable(
  "workspace_members",
  {
    tenantId: tenantId(),
    workspaceId: uuid("workspace_id").notNull(),
    userId: uuid("user_id").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "workspace_members_pkey", columns: [t.workspaceId, t.userId] }),
    // app.workspace_ids() reads a member's workspaces through this index.
    index("workspace_members_tenant_user_idx").on(t.tenantId, t.userId),
    foreignKey({
      name: "workspace_members_workspace_fk",
      columns: [t.tenantId, t.workspaceId],
      foreignColumns: [workspaces.tenantId, workspaces.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "workspace_members_membership_fk",
      columns: [t.tenantId, t.userId],
      foreignColumns: [memberships.tenantId, memberships.userId],
    }).onDelete("cascade"),
    apiTenantPolicy("workspace_members_api_all", t.tenantId),
    ...purgePolicies("workspace_members", t.tenantId),
  ],
).enableRLS();

/** Which companies a workspace holds; a company may be in several. */
export const workspaceCompanies = pgTable(
  "workspace_companies",
  {
    tenantId: tenantId(),
    workspaceId: uuid("workspace_id").notNull(),
    companyId: uuid("company_id").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    // Serves the policy's sub-select (workspace_id = any(...)) with the company ids in the index.
    primaryKey({ name: "workspace_companies_pkey", columns: [t.workspaceId, t.companyId] }),
    index("workspace_companies_tenant_company_idx").on(t.tenantId, t.companyId),
    foreignKey({
      name: "workspace_companies_workspace_fk",
      columns: [t.tenantId, t.workspaceId],
      foreignColumns: [workspaces.tenantId, workspaces.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "workspace_companies_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }).onDelete("cascade"),
    apiTenantPolicy("workspace_companies_api_all", t.tenantId),
    ...purgePolicies("workspace_companies", t.tenantId),
  ],
).enableRLS();
