import { type SQL, sql } from "drizzle-orm";
import { pgPolicy } from "drizzle-orm/pg-core";
import { appApi } from "./roles";

/**
 * The workspaces the caller is confined to, read once per statement (an InitPlan):
 * app.workspace_ids() is NULL for callers who see the whole tenant (owners, admins, members
 * with workspace_scope 'all', API keys, the queue consumer) and the array of their workspaces
 * for members with workspace_scope 'assigned' (empty: they see no company).
 */
export const currentWorkspaceIds = sql`(select app.workspace_ids())`;
/** The same, as an array expression: `= any ((select ...))` alone would read as a sub-select of rows. */
export const currentWorkspaceIdArray = sql`(select app.workspace_ids())::uuid[]`;

/**
 * `company` lies inside the caller's workspaces. The company ids of those workspaces are an
 * uncorrelated sub-select, which Postgres runs once per statement and probes as a hash (a
 * "hashed SubPlan"), and only when the caller is confined at all.
 */
export const companyInWorkspaces = (company: SQL) =>
  sql`(${currentWorkspaceIds} is null or ${company} in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any (${currentWorkspaceIdArray})))`;

/**
 * A RESTRICTIVE policy: ANDed with the table's tenant policy, so it can only take rows away.
 * Every table of company data gets one, naming how its rows reach a company (see README,
 * "Workspaces", for the SQL to write in a migration of a table not defined here).
 */
export const workspacePolicy = (table: string, company: SQL) =>
  pgPolicy(`${table}_api_workspace`, {
    as: "restrictive",
    for: "all",
    to: appApi,
    using: companyInWorkspaces(company),
    withCheck: companyInWorkspaces(company),
  });
