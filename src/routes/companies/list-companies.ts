import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { timestampInputSchema } from "../../http/timestamps";
import { SIC_SECTION_LETTERS, sicCodesOfSection } from "../../reference/sic-2007";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { inWorkspace } from "../workspaces/filter";
import { COMPANY_COLUMNS, type CompanyRow, companyBody, companyNumberSchema, companySchema } from "./schemas";

const csv = z
  .string()
  .max(500)
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const listCompaniesQuerySchema = pageQuerySchema.extend({
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
  sort: z.enum(["relevance", "name", "recent"]).optional().openapi({
    description: "Default: relevance when `q` is given, else recent",
  }),
});

export const listCompaniesRoute = createRoute({
  method: "get",
  path: "/v1/companies",
  operationId: "listCompanies",
  tags: ["Companies"],
  summary: "List and search companies",
  description:
    "`q` matches an exact company number first, then name prefixes, then similar names; filters combine. Cursor-paginated in the chosen `sort`.",
  ...v1Access({ role: "viewer", scope: "companies:read" }),
  request: { query: listCompaniesQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "A page of companies", content: { "application/json": { schema: pageSchema(companySchema) } } },
  },
});

type ListedRow = CompanyRow & {
  rank: number;
  neg_score: number;
  lname: string;
  created_order: string;
};

/** Keyset orders: the cursor is the last row's sort key, compared as a row value. */
const ORDERS = {
  relevance: {
    key: ["rank", "neg_score", "lname", "id"],
    types: ["int", "real", 'text collate "C"', "uuid"],
    direction: "asc",
  },
  name: { key: ["lname", "id"], types: ['text collate "C"', "uuid"], direction: "asc" },
  recent: { key: ["created_order", "id"], types: ["timestamptz", "uuid"], direction: "desc" },
} as const;

/**
 * `column` starts with `prefix`, as a range. Under row-level security Postgres may only use an
 * index for leakproof operators; LIKE is not leakproof, text comparisons are. U+10FFFF sorts
 * after every other character in byte ("C" and pattern) order.
 */
// The operators are constants of this file (operators cannot be parameters).
const startsWith = (column: SQL, prefix: string, [ge, lt]: [string, string] = [">=", "<"]) =>
  sql`(${column} ${sql.raw(ge)} ${prefix} and ${column} ${sql.raw(lt)} ${`${prefix}\u{10FFFF}`})`;
const NAME_KEY = sql`name_key collate "C"`;

export const listCompanies = new OpenAPIHono<AppEnv>().openapi(listCompaniesRoute, async (c) => {
  const query = c.req.valid("query");
  const sort = query.sort ?? (query.q ? "relevance" : "recent");
  if (sort === "relevance" && !query.q) {
    throw new ApiError("validation_failed", "Sorting by relevance needs a search.", {
      errors: [{ field: "query.sort", message: "relevance needs q" }],
    });
  }
  const order = ORDERS[sort];
  const after = decodeCursor(query.cursor, order.key.length);
  const q = query.q?.toLowerCase() ?? null;
  const qNumber = query.q ? query.q.toUpperCase().replace(/\s+/g, "") : null;

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
  if (query.sic?.length)
    filters.push(sql`sic_codes && array(select jsonb_array_elements_text(${JSON.stringify(query.sic)}::jsonb))`);
  // The section's codes come from the bundled SIC 2007 list, so the SIC index serves this too.
  if (query.sic_section)
    filters.push(
      sql`sic_codes && array(select jsonb_array_elements_text(${JSON.stringify(sicCodesOfSection(query.sic_section))}::jsonb))`,
    );
  // The postcode index uses text_pattern_ops, whose (leakproof) operators are ~>=~ and ~<~.
  if (query.postcode) filters.push(startsWith(sql`postcode`, query.postcode, ["~>=~", "~<~"]));
  if (query.tag) filters.push(sql`${query.tag} = any(tags)`);
  if (query.workspace_id) filters.push(inWorkspace(sql`id`, query.workspace_id));
  if (query.created_after) filters.push(sql`created_at > ${query.created_after}::timestamptz`);

  const keyColumns = sql.join(
    order.key.map((column) => sql.identifier(column)),
    sql`, `,
  );
  // Operators, type names and ASC/DESC cannot be parameters: sql.raw of the constants in ORDERS.
  const keyset = after
    ? sql`where (${keyColumns}) ${sql.raw(order.direction === "asc" ? ">" : "<")} (${sql.join(
        after.map((value, i) => sql`${value}::${sql.raw(order.types[i] ?? "text")}`),
        sql`, `,
      )})`
    : sql``;
  const direction = sql.raw(order.direction);
  const statement = sql`select * from (
      select ${COMPANY_COLUMNS},
             case when company_number = ${qNumber} then 0
                  when ${q === null ? sql`false` : startsWith(NAME_KEY, q)} then 1 else 2 end as rank,
             -coalesce(similarity(name_key, ${q}), 0)::real as neg_score,
             name_key collate "C" as lname,
             created_at as created_order
        from companies where ${sql.join(filters, sql` and `)}
    ) listed ${keyset}
    order by ${sql.join(
      // NULLS LAST as in the indexes (the columns are never null), so Postgres can read in order.
      order.key.map((column) => sql`${sql.identifier(column)} ${direction} nulls last`),
      sql`, `,
    )}
    limit ${query.limit + 1}`;

  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [db.execute<ListedRow>(statement)]);
  const listed = page(result.rows, query.limit, (row) => order.key.map((column) => String(row[column])));
  return c.json({ items: listed.items.map(companyBody), next_cursor: listed.next_cursor }, 200);
});
