import { type SQL, sql } from "drizzle-orm";
import type { ScopedDatabase } from "../../db/scoped-database";
import { ApiError } from "../../errors/api-error";

interface Found extends Record<string, unknown> {
  found: boolean;
}

/**
 * Adds or removes one link of a workspace in one round trip, idempotently: `found` says whether
 * the workspace and the other side exist in this tenant (as the caller may see them), so a PUT
 * twice and a DELETE of a missing link are both 204, and an unknown id is a 404.
 * `target` selects the row to link (`workspace_id, <other id>`); `write` is the insert or delete.
 */
export async function changeAssignment(scoped: ScopedDatabase, target: SQL, write: SQL, notFound: string) {
  const {
    results: [result],
  } = await scoped.batch((db) => [
    db.execute<Found>(
      sql`with target as (${target}), changed as (${write}) select exists (select 1 from target) as found`,
    ),
  ]);
  if (!result.rows[0]?.found) throw new ApiError("not_found", notFound);
}

export const MEMBER_NOT_FOUND = "No workspace with that id, or no member with that user id, in this tenant.";

/** The (workspace, member) pair to link, when both exist in this tenant. */
export const memberTarget = (id: string, userId: string) =>
  sql`select w.id as workspace_id, m.user_id from workspaces w
        join memberships m on m.tenant_id = w.tenant_id
       where w.id = ${id} and m.user_id = ${userId}`;

export const COMPANY_NOT_FOUND = "No workspace or no company with that id in this tenant.";

/** The (workspace, company) pair to link, when both exist (and the company is not deleted). */
export const companyTarget = (id: string, companyId: string) =>
  sql`select w.id as workspace_id, co.id as company_id from workspaces w
        join companies co on co.tenant_id = w.tenant_id
       where w.id = ${id} and co.id = ${companyId} and co.deleted_at is null`;
