import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { prerendered } from "../../db/selection";
import { ApiError } from "../../errors/api-error";
import { jsonText } from "../../http/json-text";
import { decodeCursor, encodeCursor, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { COMPANY_BODY, withSicEntries } from "./company-json";
import { companyFilterShape, companyFilters, NAME_KEY, searchTerms, startsWith } from "./filters";
import { type CompanyBody, companySchema } from "./schemas";

export const listCompaniesQuerySchema = pageQuerySchema.extend({
  ...companyFilterShape,
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

/** The page as one row: Postgres joins the bodies and names the cursor's key. */
interface PageRow extends Record<string, unknown> {
  /** The first `limit` bodies, comma-joined (null for an empty page). */
  items: string | null;
  /** Rows found, up to limit + 1: one more than the page means there is a next one. */
  fetched: number;
  /** The sort key of the page's last row as a JSON array of Postgres' text (when there is a next page). */
  last_key: string | null;
}

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

type Sort = keyof typeof ORDERS;

/**
 * The parts of the statement that depend on the sort order alone, rendered once (drizzle walks a
 * template's chunks on every request; these are identifiers and constants only). Operators, type
 * names and ASC/DESC cannot be parameters: sql.raw of the constants in ORDERS.
 */
const SORTED = Object.fromEntries(
  (Object.keys(ORDERS) as Sort[]).map((sort) => {
    const { key, direction } = ORDERS[sort];
    const columns = key.map((column) => sql.identifier(column));
    return [
      sort,
      {
        keyColumns: prerendered(sql.join(columns, sql`, `)),
        comparison: sql.raw(direction === "asc" ? ">" : "<"),
        // NULLS LAST as in the indexes (the columns are never null), so Postgres can read in order.
        orderBy: prerendered(
          sql.join(
            columns.map((column) => sql`${column} ${sql.raw(direction)} nulls last`),
            sql`, `,
          ),
        ),
        keyText: prerendered(
          sql`json_build_array(${sql.join(
            columns.map((column) => sql`${column}::text`),
            sql`, `,
          )})::text`,
        ),
      },
    ];
  }),
) as Record<Sort, { keyColumns: SQL; comparison: SQL; orderBy: SQL; keyText: SQL }>;

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
  const { q, qNumber } = searchTerms(query.q);
  const filters = companyFilters(query);

  const { keyColumns, comparison, orderBy, keyText } = SORTED[sort];
  const keyset = after
    ? sql`where (${keyColumns}) ${comparison} (${sql.join(
        after.map((value, i) => sql`${value}::${sql.raw(order.types[i] ?? "text")}`),
        sql`, `,
      )})`
    : sql``;
  // The page is made in Postgres: limit + 1 rows in keyset order (the extra one only tells that a
  // next page exists), numbered, their bodies joined in that order into one text, and the last
  // row's key as text for the cursor. The Worker gets one row instead of parsing one per company.
  const statement = sql`select
      string_agg(body, ',' order by ord) filter (where ord <= ${query.limit}) as items,
      count(*)::int as fetched,
      min(key) filter (where ord = ${query.limit}) as last_key
    from (
      select body, ${keyText} as key,
             row_number() over (order by ${orderBy}) as ord
        from (
          select * from (
            select id, ${COMPANY_BODY} as body,
                   case when company_number = ${qNumber} then 0
                        when ${q === null ? sql`false` : startsWith(NAME_KEY, q)} then 1 else 2 end as rank,
                   -coalesce(similarity(name_key, ${q}), 0)::real as neg_score,
                   name_key collate "C" as lname,
                   created_at as created_order
              from companies where ${sql.join(filters, sql` and `)}
          ) listed ${keyset}
          order by ${orderBy}
          limit ${query.limit + 1}
        ) found
    ) numbered`;

  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [db.execute<PageRow>(statement)]);
  const row = result.rows[0];
  const items = row?.items ? withSicEntries(row.items) : "";
  const nextCursor =
    row && row.fetched > query.limit && row.last_key ? encodeCursor(JSON.parse(row.last_key) as string[]) : null;
  // The items as Postgres wrote them (company-json.ts): no per-row parsing and serialising.
  return jsonText<{ items: CompanyBody[]; next_cursor: string | null }, 200>(
    c,
    `{"items":[${items}],"next_cursor":${JSON.stringify(nextCursor)}}`,
    200,
  );
});
