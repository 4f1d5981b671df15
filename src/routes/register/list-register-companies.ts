import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { textArray } from "../../db/sql-arrays";
import { ApiError } from "../../errors/api-error";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { SIC_SECTION_LETTERS } from "../../reference/sic-2007";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { MAX_NAME_WORDS, queryWords } from "./name-words";
import { REGISTER_COLUMNS, type RegisterCompanyRow, registerCompanyBody, registerCompanySchema } from "./schemas";
import { similarNamesStatement } from "./similar-names";

const list = (item: z.ZodType<string, string>, max: number) =>
  z
    .string()
    .max(500)
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1).max(max));
const upperNoSpace = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .max(10)
    .transform((value) => value.toUpperCase().replace(/\s+/g, ""))
    .pipe(z.string().regex(pattern, message));

export const listRegisterCompaniesQuerySchema = pageQuerySchema.extend({
  name: z.string().trim().min(1).max(160).optional().openapi({
    description: "Company names starting with this (or, with `name_match=similar`, names like it)",
    example: "bright",
  }),
  name_match: z
    .enum(["prefix", "similar"])
    .default("prefix")
    .openapi({
      description:
        "`prefix` (default): names starting with `name`, in name order. `similar`: names with, for every word of " +
        "`name` (legal forms such as `limited` and `the`, `and`, `of` aside), that word or one of its 16 nearest " +
        "spellings in the register (trigram similarity), best whole-name trigram similarity first",
    }),
  sic: list(z.string().regex(/^\d{5}$/, "five-digit SIC codes"), 20)
    .optional()
    .openapi({ description: "Comma-separated SIC codes; any of them", example: "62012,62020" }),
  sic_section: list(z.enum(SIC_SECTION_LETTERS), 21)
    .optional()
    .openapi({ description: "Comma-separated SIC 2007 sections (A–U); any of them", example: "J" }),
  postcode_area: upperNoSpace(/^[A-Z]{1,2}$/, "a postcode area: one or two letters, e.g. EC")
    .optional()
    .openapi({ example: "EC" }),
  postcode_district: upperNoSpace(/^[A-Z]{1,2}\d[A-Z\d]?$/, "an outward code, e.g. EC1A")
    .optional()
    .openapi({ example: "EC1A" }),
  postcode: upperNoSpace(/^[A-Z0-9]{1,7}$/, "the start of a postcode, e.g. EC1A 1")
    .optional()
    .openapi({ description: "Postcode prefix (spaces ignored)", example: "EC1A1" }),
  status: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "As the register writes it", example: "Active" }),
  category: z.string().trim().min(1).max(200).optional().openapi({ example: "Private Limited Company" }),
  incorporated_from: z.iso
    .date()
    .optional()
    .openapi({ description: "Incorporated on or after", example: "2020-01-01" }),
  incorporated_to: z.iso.date().optional().openapi({ description: "Incorporated on or before", example: "2024-12-31" }),
  include_gone: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .openapi({ description: "Also companies the latest register file no longer has" }),
});

export const listRegisterCompaniesRoute = createRoute({
  method: "get",
  path: "/v1/register/companies",
  operationId: "listRegisterCompanies",
  tags: ["UK register"],
  summary: "Search the UK register",
  description:
    "Every company in Companies House's monthly register file (shared reference data, the same for every tenant). " +
    "Filters combine; pages are cursor-paginated in name order (best match first with `name_match=similar`). " +
    "Add results to your book with `POST /v1/companies/bulk`.",
  ...v1Access({ role: "viewer", scope: "companies:read" }, { module: "register" }),
  request: { query: listRegisterCompaniesQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of register companies",
      content: { "application/json": { schema: pageSchema(registerCompanySchema) } },
    },
  },
});

type ListedRow = RegisterCompanyRow & { lname: string; distance: number };

const NAME_KEY = sql`name_key collate "C"`;
/** `column` starts with `prefix`, as a range an index in byte order serves; U+10FFFF sorts last. */
// The operators are constants of this file (operators cannot be parameters).
const startsWith = (column: SQL, prefix: string, [ge, lt]: [string, string] = [">=", "<"]) =>
  sql`(${column} ${sql.raw(ge)} ${prefix} and ${column} ${sql.raw(lt)} ${`${prefix}\u{10FFFF}`})`;

export const listRegisterCompanies = new OpenAPIHono<AppEnv>().openapi(listRegisterCompaniesRoute, async (c) => {
  const query = c.req.valid("query");
  const similar = query.name_match === "similar";
  if (similar && (!query.name || query.name.length < 3)) {
    throw new ApiError("validation_failed", "Similar-name search needs a name of three characters or more.", {
      errors: [{ field: "query.name", message: "at least 3 characters with name_match=similar" }],
    });
  }
  if (query.incorporated_from && query.incorporated_to && query.incorporated_from > query.incorporated_to) {
    throw new ApiError("validation_failed", "incorporated_from is after incorporated_to.", {
      errors: [{ field: "query.incorporated_from", message: "after incorporated_to" }],
    });
  }
  const name = query.name?.toLowerCase() ?? null;
  const words = similar && name ? queryWords(name) : [];
  if (similar && (words.length === 0 || words.length > MAX_NAME_WORDS)) {
    const message =
      words.length === 0
        ? "a word other than a legal form (limited, ltd, plc, llp…) or the, and, of"
        : `at most ${MAX_NAME_WORDS} distinct words with name_match=similar`;
    throw new ApiError("validation_failed", `Similar-name search needs ${message}.`, {
      errors: [{ field: "query.name", message }],
    });
  }
  const key: (keyof ListedRow)[] = similar ? ["distance", "lname", "company_number"] : ["lname", "company_number"];
  const after = decodeCursor(query.cursor, key.length);

  const filters: SQL[] = [];
  if (!query.include_gone) filters.push(sql`gone_at is null`);
  if (name && !similar) filters.push(startsWith(NAME_KEY, name));
  if (query.sic) filters.push(sql`sic_codes && ${textArray(query.sic)}`);
  if (query.sic_section) filters.push(sql`sic_sections && ${textArray(query.sic_section)}`);
  if (query.postcode_area) filters.push(sql`postcode_area = ${query.postcode_area}`);
  if (query.postcode_district) filters.push(sql`postcode_district = ${query.postcode_district}`);
  if (query.postcode) filters.push(startsWith(sql`postcode`, query.postcode, ["~>=~", "~<~"]));
  if (query.status) filters.push(sql`status = ${query.status}`);
  if (query.category) filters.push(sql`category = ${query.category}`);
  if (query.incorporated_from) filters.push(sql`incorporation_date >= ${query.incorporated_from}::date`);
  if (query.incorporated_to) filters.push(sql`incorporation_date <= ${query.incorporated_to}::date`);
  // Trigram distance of the whole name (1 - similarity).
  const distance = similar ? sql`(name_key <-> ${name})` : sql`0::real`;
  if (after) {
    // The row value compares like the index's key, so a page starts where the last one ended.
    filters.push(
      similar
        ? sql`(${distance}, ${NAME_KEY}, company_number) > (${after[0]}::real, ${after[1]}, ${after[2]})`
        : sql`(${NAME_KEY}, company_number) > (${after[0]}, ${after[1]})`,
    );
  }
  const where = filters.length > 0 ? sql.join(filters, sql` and `) : sql`true`;
  const columns = sql`${REGISTER_COLUMNS}, ${NAME_KEY} as lname, ${distance} as distance`;
  // Similar: each word of the query, or a near spelling of it, is one of the name's words, ranked
  // without reading every candidate (similar-names.ts).
  const statement =
    similar && name
      ? similarNamesStatement({ name, words, columns, where, rows: query.limit + 1 })
      : sql`select ${columns} from register_companies where ${where}
          order by ${NAME_KEY}, company_number limit ${query.limit + 1}`;

  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [db.execute<ListedRow>(statement)]);
  const listed = page(result.rows, query.limit, (row) => key.map((column) => String(row[column])));
  return c.json({ items: listed.items.map(registerCompanyBody), next_cursor: listed.next_cursor }, 200);
});
