import { type SQL, sql } from "drizzle-orm";
import type { JSONValue } from "hono/utils/types";
import { encodeCursor } from "../../http/pagination";

/**
 * A person can be the target or the actor of any number of audit entries, and an entry can be
 * large (a created company's whole row). One answer holding them all would pass Neon's 10 MiB
 * response limit and the Worker's memory. Completeness is what an Art. 15 export needs, so the
 * entries are paged with a keyset cursor rather than cut off: at most MAX_AUDIT_PAGE entries and
 * about AUDIT_PAGE_BYTES of metadata per page (always at least one entry, so paging never stalls).
 */
export const MAX_AUDIT_PAGE = 1000;
/** Metadata text per page. JSON escaping can double it on the wire: still far below 10 MiB. */
export const AUDIT_PAGE_BYTES = 2 * 1024 * 1024;

type Row = Record<string, JSONValue>;

/**
 * The next page of entries after `after` ([created_at, id] text), oldest first. The inner query
 * takes at most limit + 1 entries in index order; the window counts the metadata bytes before
 * each of them, and only the entries within both bounds leave the database. `fetched` (how many
 * the inner query found) tells whether anything is left beyond the page.
 */
export function auditPageSql(where: SQL, after: string[] | null, limit: number): SQL {
  return sql`select id, actor_type, actor_id, action, target_type, target_id, metadata, created_at, fetched
    from (select p.*, sum(p.bytes) over w - p.bytes as bytes_before, row_number() over w as n, count(*) over () as fetched
      from (select a.*, octet_length(a.metadata::text) as bytes from audit_log a
        where (${where}) ${after ? sql`and (a.created_at, a.id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
        order by a.created_at, a.id limit ${limit + 1}) p
      window w as (order by p.created_at, p.id)) page
    where n <= ${limit} and (n = 1 or bytes_before < ${AUDIT_PAGE_BYTES})
    order by created_at, id`;
}

/** The page's entries, and the cursor to the rest (null when nothing is left). */
export function auditPage(rows: Row[]): { items: Row[]; next_cursor: string | null } {
  const fetched = Number(rows[0]?.fetched ?? 0);
  const items = rows.map(({ fetched: _, ...entry }) => entry);
  const last = items.at(-1);
  return {
    items,
    next_cursor: fetched > items.length && last ? encodeCursor([String(last.created_at), String(last.id)]) : null,
  };
}
