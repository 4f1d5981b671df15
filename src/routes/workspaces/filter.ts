import { type SQL, sql } from "drizzle-orm";

/**
 * A list's `workspace_id` filter: the company is in that workspace. It narrows what the caller
 * may see; it never widens it (row-level security decides that, workspaces included).
 */
export const inWorkspace = (company: SQL, workspaceId: string) =>
  sql`${company} in (select wc.company_id from workspace_companies wc where wc.workspace_id = ${workspaceId})`;
