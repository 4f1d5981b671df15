import { z } from "@hono/zod-openapi";
import { getTableColumns } from "drizzle-orm";
import { addressSchema, MAX_SIC_CODES } from "../../companies-house/upstream";
import { type JsonShape, shapeValues } from "../../db/json-text";
import { COMPANY_SOURCES, companies } from "../../db/schema/companies";
import { omitColumns, type RowOf, selectList } from "../../db/selection";
import { timestampSchema } from "../../http/timestamps";
import { sicEntries, sicEntrySchema } from "../register/schemas";

/**
 * UK company numbers: 8 characters, either digits or a two-letter register prefix and six
 * digits (SC Scotland, NI Northern Ireland, OC/SO/NC LLPs, FC overseas…). Short numeric forms
 * are padded with leading zeros, as Companies House does.
 */
const PREFIXES = [
  "SC",
  "NI",
  "OC",
  "SO",
  "NC",
  "LP",
  "SL",
  "NL",
  "FC",
  "SF",
  "NF",
  "GE",
  "IP",
  "SP",
  "NP",
  "RC",
  "SR",
  "NR",
  "CE",
  "CS",
  "ZC",
  "SZ",
  "IC",
  "SI",
  "NO",
  "R0",
];
export const companyNumberSchema = z
  .string()
  .trim()
  .max(16)
  .transform((value) => value.toUpperCase().replace(/\s+/g, ""))
  .transform((value) => (/^\d{1,8}$/.test(value) ? value.padStart(8, "0") : value))
  .refine(
    (value) => /^\d{8}$/.test(value) || (PREFIXES.includes(value.slice(0, 2)) && /^\d{6}$/.test(value.slice(2))),
    "a UK company number: 8 digits, or a register prefix such as SC, NI or OC and 6 digits",
  )
  .openapi({ example: "SC123456" });

/** A website as a domain: scheme, `www.`, path and port dropped, lower-cased. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/**
 * A company's website: kept as its origin (where a scrape starts: scheme, host, port) and its
 * domain (host without `www.`, for display and matching). Addresses that are not public are
 * accepted here and refused by the scraper's network guard, which knows the deployment's rules.
 */
export const websiteSchema = z
  .string()
  .trim()
  .max(2048)
  .transform((value, ctx) => {
    try {
      const url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
      const host = url.hostname.toLowerCase();
      if (!DNS_NAME.test(host) && !IPV4.test(host)) throw new Error();
      return { origin: url.origin, domain: host.replace(/^www\./, "") };
    } catch {
      ctx.addIssue({ code: "custom", message: "a website address or domain, e.g. acme.co.uk" });
      return z.NEVER;
    }
  })
  .openapi({ type: "string", maxLength: 2048, example: "https://www.acme.co.uk/about" });

export const companyNameSchema = z.string().trim().min(1).max(300);

const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 50;

export const tagsSchema = z
  .array(z.string().trim().toLowerCase().min(1).max(MAX_TAG_LENGTH))
  .max(MAX_TAGS)
  .transform((tags) => [...new Set(tags)]);

export const companySchema = z
  .object({
    id: z.uuid(),
    name: z.string().max(300),
    company_number: z.string().max(8).nullable(),
    status: z.string().max(200).nullable(),
    type: z.string().max(200).nullable(),
    date_of_creation: z.iso.date().max(10).nullable(),
    date_of_cessation: z.iso.date().max(10).nullable(),
    jurisdiction: z.string().max(200).nullable(),
    sic_codes: z.array(z.string().max(10)).max(MAX_SIC_CODES),
    sic: z.array(sicEntrySchema).max(MAX_SIC_CODES).openapi({
      description: "`sic_codes` with their UK SIC 2007 descriptions and sections",
    }),
    registered_office: addressSchema.nullable(),
    website: z
      .string()
      .max(2048)
      .nullable()
      .openapi({ description: "Origin of the company's website", example: "https://www.acme.co.uk" }),
    domain: z.string().max(253).nullable(),
    tags: z.array(z.string().max(MAX_TAG_LENGTH)).max(MAX_TAGS),
    accounts: z
      .object({
        made_up_to: z.iso.date().max(10).nullable(),
        next_due: z.iso.date().max(10).nullable(),
        overdue: z.boolean().nullable(),
        last_filed_on: z.iso.date().max(10).nullable().openapi({ description: "When the latest accounts were filed" }),
      })
      .openapi({ description: "From Companies House; null until the company is fetched from it" }),
    confirmation_statement: z.object({
      next_due: z.iso.date().max(10).nullable(),
      overdue: z.boolean().nullable(),
    }),
    charges: z.object({
      total: z.number().int().min(0).max(2_147_483_647).nullable(),
      outstanding: z.number().int().min(0).max(2_147_483_647).nullable(),
    }),
    insolvency: z.object({
      status: z.string().max(200).nullable().openapi({
        description: "Type of the latest insolvency case; null: none",
        example: "creditors-voluntary-liquidation",
      }),
    }),
    provenance: z.object({
      source: z.enum(COMPANY_SOURCES),
      source_ref: z.string().max(2048).nullable(),
      fetched_at: timestampSchema.nullable(),
      checked_at: timestampSchema.nullable().openapi({
        description: "When Companies House was last asked about the company (the scheduled refresh's order)",
      }),
    }),
    version: z.number().int().min(1).max(2_147_483_647),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    deleted_at: timestampSchema.nullable(),
  })
  .openapi("Company");

export type CompanyBody = z.infer<typeof companySchema>;

/**
 * The columns a company's API body is made of: all but its tenant, the derived search keys and the
 * hashes of the people the last Companies House fetch saw (change detection's, never shown).
 */
export const companyColumns = omitColumns(
  getTableColumns(companies),
  "tenantId",
  "nameKey",
  "postcode",
  "companiesHouseState",
);

/** A companies row as raw SQL returns it (column names), e.g. from `to_jsonb(row)`. */
export type CompanyRow = RowOf<typeof companyColumns>;

/** The select list of `companyColumns` (dates and timestamps as text). */
export const COMPANY_COLUMNS = selectList(companyColumns);

/**
 * A company's API body around its two computed members (`sic`, `registered_office`): key order,
 * nesting and columns, shared by `companyBody` and the JSON Postgres writes (company-json.ts).
 */
export const COMPANY_BODY_HEAD = {
  id: companyColumns.id,
  name: companyColumns.name,
  company_number: companyColumns.companyNumber,
  status: companyColumns.status,
  type: companyColumns.type,
  date_of_creation: companyColumns.dateOfCreation,
  date_of_cessation: companyColumns.dateOfCessation,
  jurisdiction: companyColumns.jurisdiction,
  sic_codes: companyColumns.sicCodes,
} satisfies JsonShape;

export const COMPANY_BODY_TAIL = {
  website: companyColumns.website,
  domain: companyColumns.domain,
  tags: companyColumns.tags,
  accounts: {
    made_up_to: companyColumns.accountsMadeUpTo,
    next_due: companyColumns.accountsNextDue,
    overdue: companyColumns.accountsOverdue,
    last_filed_on: companyColumns.lastAccountsFiledOn,
  },
  confirmation_statement: {
    next_due: companyColumns.confirmationStatementNextDue,
    overdue: companyColumns.confirmationStatementOverdue,
  },
  charges: { total: companyColumns.chargesTotal, outstanding: companyColumns.chargesOutstanding },
  insolvency: { status: companyColumns.insolvencyStatus },
  provenance: {
    source: companyColumns.source,
    source_ref: companyColumns.sourceRef,
    fetched_at: companyColumns.fetchedAt,
    checked_at: companyColumns.checkedAt,
  },
  version: companyColumns.version,
  created_at: companyColumns.createdAt,
  updated_at: companyColumns.updatedAt,
  deleted_at: companyColumns.deletedAt,
} satisfies JsonShape;

export function companyBody(row: CompanyRow): CompanyBody {
  // companySchema is the contract; the shapes above are checked against it by the routes' tests.
  return {
    ...shapeValues(COMPANY_BODY_HEAD, row),
    sic: sicEntries(row.sic_codes),
    registered_office: row.registered_office,
    ...shapeValues(COMPANY_BODY_TAIL, row),
  } as CompanyBody;
}

export { etagOf } from "../../http/etag";

export const companyIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
