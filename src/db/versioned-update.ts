import { type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { ApiError } from "../errors/api-error";

export interface VersionedOutcome extends Record<string, unknown> {
  id: string;
  version: number;
  updated: boolean;
}

/**
 * One statement that updates a soft-deletable, versioned row when its version still matches
 * (`expected` null: no condition) and returns it with `updated`, or returns it unchanged with
 * `updated = false`, or nothing when there is no such row. The caller gives the drizzle table and
 * the select list of the columns to return (`selectList` of the route's columns).
 */
export function versionedUpdate(
  table: PgTable,
  columns: SQL,
  id: string,
  assignments: SQL[],
  expected: string | null,
): SQL {
  return sql`with target as (
      select ${columns} from ${table} where id = ${id} and deleted_at is null
    ), updated as (
      update ${table} set ${sql.join(assignments, sql`, `)}
       where id = ${id} and deleted_at is null and (${expected}::int is null or version = ${expected}::int)
      returning ${columns}
    )
    select u.*, true as updated from updated u
    union all
    select t.*, false from target t where not exists (select 1 from updated)`;
}

/** The updated row, or the 404 / 412 problem the outcome calls for. */
export function updatedOrThrow<T extends VersionedOutcome>(
  row: T | undefined,
  what: string,
  etag: (row: T) => string,
): T {
  if (!row) throw new ApiError("not_found", `No ${what} with that id in this tenant.`);
  if (!row.updated) {
    throw new ApiError("precondition_failed", `The ${what} changed since you read it; fetch it again and retry.`, {
      headers: { etag: etag(row) },
      extensions: { current_etag: etag(row) },
    });
  }
  return row;
}
