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
