import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { textArray } from "../../db/sql-arrays";
import { timestampInputSchema } from "../../http/timestamps";
import { SIC_SECTION_LETTERS, sicCodesOfSection } from "../../reference/sic-2007";
import { TECH_CATEGORIES } from "../../scrape/technographics/fingerprint";
import { inWorkspace } from "../workspaces/filter";
import { companyNumberSchema } from "./schemas";

const csv = z
  .string()
  .max(500)
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

/**
 * The company list's filters, shared by every operation that selects "companies like the list
 * does" (the list itself, exports): one definition, so a filter means the same everywhere.
 */
export const companyFilterShape = {
  q: z.string().trim().min(1).max(200).optional().openapi({
    description: "Search: exact company number first, then names starting with it, then similar names (trigram)",
  }),
  company_number: z.string().trim().toUpperCase().max(8).optional(),
  status: z.string().trim().max(50).optional(),
  sic: csv.optional().openapi({ description: "Comma-separated SIC codes; any of them", example: "62012,62020" }),
  sic_section: z
    .string()
    .trim()
    .max(1)
    .toUpperCase()
    .pipe(z.enum(SIC_SECTION_LETTERS))
    .optional()
    .openapi({ description: "A UK SIC 2007 section (A–U): any of the company's SIC codes in it", example: "J" }),
  postcode: z
    .string()
    .trim()
    .max(10)
    .transform((value) => value.toUpperCase().replace(/\s+/g, ""))
    .optional()
    .openapi({ description: "Registered-office postcode prefix", example: "EC1A" }),
  tag: z.string().trim().toLowerCase().max(50).optional(),
  workspace_id: z.uuid().optional().openapi({ description: "Only this workspace's companies" }),
  created_after: timestampInputSchema.optional(),
  technology: z.string().trim().toLowerCase().min(1).max(100).optional().openapi({
    description: "A technology (its slug) that the company's latest successful scrape found",
    example: "wordpress",
  }),
  technology_category: z.enum(TECH_CATEGORIES).optional().openapi({
    description: "A technology category that the company's latest successful scrape found",
    example: "crm",
  }),
};

export const companyFilterSchema = z.object(companyFilterShape);
export type CompanyFilters = z.infer<typeof companyFilterSchema>;

/**
 * `column` starts with `prefix`, as a range. Under row-level security Postgres may only use an
 * index for leakproof operators; LIKE is not leakproof, text comparisons are. U+10FFFF sorts
 * after every other character in byte ("C" and pattern) order.
 */
// The operators are constants of this file (operators cannot be parameters).
export const startsWith = (column: SQL, prefix: string, [ge, lt]: [string, string] = [">=", "<"]) =>
  sql`(${column} ${sql.raw(ge)} ${prefix} and ${column} ${sql.raw(lt)} ${`${prefix}\u{10FFFF}`})`;
export const NAME_KEY = sql`name_key collate "C"`;

/** The search term as the filters compare it: names in lower case, numbers without spaces. */
export const searchTerms = (q: string | undefined) => ({
  q: q?.toLowerCase() ?? null,
  qNumber: q ? q.toUpperCase().replace(/\s+/g, "") : null,
});

/** The WHERE conditions (ANDed) over `companies` for these filters; live companies only. */
export function companyFilters(query: CompanyFilters): SQL[] {
  const { q, qNumber } = searchTerms(query.q);
  const filters: SQL[] = [sql`deleted_at is null`];
  if (q) {
    // Candidate sets instead of one OR, which no index can serve: the number (unique index), the
    // name prefix (a range on the btree in "C" order) and similar names (the trigram index, through
    // app.company_name_search: under row-level security `%` could not use it; see migration 0023).
    // Row-level security keeps each set, and the rows read from them, inside the tenant. Queries
    // that are a company number or too short for trigrams skip similar names.
    const fuzzy = q.length >= 3 && !companyNumberSchema.safeParse(q).success;
    filters.push(sql`id in (
      select id from companies where company_number = ${qNumber}
      union select id from companies where ${startsWith(NAME_KEY, q)}
      ${fuzzy ? sql`union select id from app.company_name_search where name_key % ${q}` : sql``})`);
  }
  if (query.company_number) filters.push(sql`company_number = ${query.company_number}`);
  if (query.status) filters.push(sql`status = ${query.status}`);
  if (query.sic?.length) filters.push(sql`sic_codes && ${textArray(query.sic)}`);
  // The section's codes come from the bundled SIC 2007 list, so the SIC index serves this too.
  if (query.sic_section) filters.push(sql`sic_codes && ${textArray(sicCodesOfSection(query.sic_section))}`);
  // The postcode index uses text_pattern_ops, whose (leakproof) operators are ~>=~ and ~<~.
  if (query.postcode) filters.push(startsWith(sql`postcode`, query.postcode, ["~>=~", "~<~"]));
  if (query.tag) filters.push(sql`${query.tag} = any(tags)`);
  if (query.workspace_id) filters.push(inWorkspace(sql`id`, query.workspace_id));
  if (query.created_after) filters.push(sql`created_at > ${query.created_after}::timestamptz`);
  if (query.technology) filters.push(usesTechnology(sql`s.name = ${query.technology}`));
  if (query.technology_category) filters.push(usesTechnology(sql`s.category = ${query.technology_category}`));
  return filters;
}

/**
 * The company's latest successful scrape found a technology matching `condition` (what
 * GET /v1/companies/{id}/signals shows: an older scrape's finding no longer counts). The
 * signals' (tenant, kind, name) and (tenant, kind, category) indexes find the candidates.
 */
const usesTechnology = (condition: SQL) => sql`id in (
  select s.company_id from company_signals s
   where s.kind = 'technology' and ${condition}
     and s.job_id = (select j.id from scrape_jobs j
                      where j.company_id = s.company_id and j.status = 'succeeded'
                      order by j.finished_at desc, j.id desc limit 1))`;
