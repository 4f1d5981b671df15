import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { CHANGE_TYPES, companyChanges } from "../../db/schema/company-changes";
import { type RowOf, selectList } from "../../db/selection";
import { decodeCursor, pageQuerySchema } from "../../http/pagination";
import { isoTimestamp, timestampInputSchema, timestampSchema } from "../../http/timestamps";

export const changeSchema = z
  .object({
    id: z.uuid(),
    company_id: z.uuid(),
    type: z.enum(CHANGE_TYPES),
    detected_at: timestampSchema,
    details: z.record(z.string(), z.unknown()).openapi({
      description:
        "`from`/`to` for status, address, SIC codes and insolvency; `made_up_to`, `previous_made_up_to`, " +
        "`filed_on` for accounts; role and dates for officers; kind, natures of control and dates for PSCs " +
        "(and the name of a PSC that is a legal entity)",
    }),
    person: z
      .object({ contact_id: z.uuid(), name: z.string().max(200) })
      .nullable()
      .openapi({
        description: "The officer or individual PSC, while they are a contact (erased people are not named)",
      }),
  })
  .openapi("CompanyChange");

export const changesQuerySchema = pageQuerySchema.extend({
  type: z
    .enum(CHANGE_TYPES)
    .optional()
    .openapi({ param: { name: "type", in: "query" } }),
  since: timestampInputSchema
    .optional()
    .openapi({ param: { name: "since", in: "query" }, description: "Inclusive lower bound of detected_at" }),
});

/** What the API shows of a change: not the tenant or the subject's hash. */
const changeColumns = {
  id: companyChanges.id,
  companyId: companyChanges.companyId,
  type: companyChanges.type,
  detectedAt: companyChanges.detectedAt,
  details: companyChanges.details,
};

/** A change and, from the left-joined contact (so possibly null), the person it is about. */
type ChangeRow = RowOf<typeof changeColumns> & { contact_id: string | null; contact_name: string | null };

/**
 * One page of changes, newest first, matching `where` (the caller's own filters) and the query's
 * type, since and cursor. The person is found by the hash the change keeps, among the company's
 * live Companies House contacts.
 */
export function changesStatement(where: SQL, query: z.infer<typeof changesQuerySchema>) {
  const before = decodeCursor(query.cursor, 2);
  const filters = [
    where,
    query.type ? sql`h.type = ${query.type}` : undefined,
    query.since ? sql`h.detected_at >= ${query.since}::timestamptz` : undefined,
    before ? sql`(h.detected_at, h.id) < (${before[0]}::timestamptz, ${before[1]}::uuid)` : undefined,
  ].filter((filter): filter is SQL => filter !== undefined);
  return sql`select ${selectList(changeColumns, "h")}, p.id as contact_id, p.name as contact_name
      from company_changes h
      left join lateral (
        select k.id, k.name from contacts k
         where h.subject_hash is not null and k.company_id = h.company_id and k.source = 'companies_house'
           and k.deleted_at is null and app.subject_hash(k.tenant_id, 'ref', k.source_ref) = h.subject_hash
         order by k.created_at limit 1) p on true
     where ${sql.join(filters, sql` and `)}
     order by h.detected_at desc, h.id desc
     limit ${query.limit + 1}`;
}

export type { ChangeRow };

export function changeBody(row: ChangeRow): z.infer<typeof changeSchema> {
  return {
    id: row.id,
    company_id: row.company_id,
    type: row.type,
    detected_at: isoTimestamp(row.detected_at),
    details: row.details,
    person: row.contact_id && row.contact_name ? { contact_id: row.contact_id, name: row.contact_name } : null,
  };
}
