import { z } from "@hono/zod-openapi";
import { addressSchema } from "../../companies-house/upstream";
import { registerCompanies } from "../../db/schema";
import { type RowOf, selectList } from "../../db/selection";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { SIC_BY_CODE, SIC_SECTION_LETTERS, sectionOf } from "../../reference/sic-2007";

/** A SIC code with its UK SIC 2007 description and section (null for a code not in the list). */
export const sicEntrySchema = z
  .object({
    code: z.string().max(10).openapi({ example: "62012" }),
    description: z.string().max(300).nullable().openapi({ example: "Business and domestic software development" }),
    section: z.enum(SIC_SECTION_LETTERS).nullable().openapi({ example: "J" }),
  })
  .openapi("SicEntry");

export const sicEntries = (codes: readonly string[]) =>
  codes.map((code) => {
    const known = SIC_BY_CODE.get(code);
    return { code, description: known?.description ?? null, section: known?.section ?? sectionOf(code) };
  });

export const registerCompanySchema = z
  .object({
    company_number: z.string().max(8),
    name: z.string().max(300),
    status: z.string().max(200).nullable().openapi({ example: "Active" }),
    category: z.string().max(200).nullable().openapi({ example: "Private Limited Company" }),
    country_of_origin: z.string().max(200).nullable(),
    incorporation_date: z.iso.date().max(10).nullable(),
    dissolution_date: z.iso.date().max(10).nullable(),
    registered_office: addressSchema.nullable(),
    sic: z.array(sicEntrySchema).max(4),
    accounts: z.object({
      category: z.string().max(200).nullable(),
      next_due: z.iso.date().max(10).nullable(),
      last_made_up_to: z.iso.date().max(10).nullable(),
    }),
    confirmation_statement: z.object({
      next_due: z.iso.date().max(10).nullable(),
      last_made_up_to: z.iso.date().max(10).nullable(),
    }),
    gone_at: timestampSchema.nullable().openapi({
      description: "When a monthly register file no longer had the company (dissolved or removed)",
    }),
    updated_at: timestampSchema.openapi({ description: "When the register row last changed" }),
  })
  .openapi("RegisterCompany");

/** What the API shows of a register row: not its keys, postcode parts, hash or load bookkeeping. */
const registerColumns = {
  companyNumber: registerCompanies.companyNumber,
  name: registerCompanies.name,
  status: registerCompanies.status,
  category: registerCompanies.category,
  countryOfOrigin: registerCompanies.countryOfOrigin,
  incorporationDate: registerCompanies.incorporationDate,
  dissolutionDate: registerCompanies.dissolutionDate,
  address: registerCompanies.address,
  sicCodes: registerCompanies.sicCodes,
  accountsCategory: registerCompanies.accountsCategory,
  accountsNextDue: registerCompanies.accountsNextDue,
  accountsLastMadeUp: registerCompanies.accountsLastMadeUp,
  confirmationNextDue: registerCompanies.confirmationNextDue,
  confirmationLastMadeUp: registerCompanies.confirmationLastMadeUp,
  goneAt: registerCompanies.goneAt,
  updatedAt: registerCompanies.updatedAt,
};

export type RegisterCompanyRow = RowOf<typeof registerColumns>;

/** The select list of `registerColumns` (dates and timestamps as text). */
export const REGISTER_COLUMNS = selectList(registerColumns);

export function registerCompanyBody(row: RegisterCompanyRow): z.infer<typeof registerCompanySchema> {
  return {
    company_number: row.company_number,
    name: row.name,
    status: row.status,
    category: row.category,
    country_of_origin: row.country_of_origin,
    incorporation_date: row.incorporation_date,
    dissolution_date: row.dissolution_date,
    registered_office: row.address,
    sic: sicEntries(row.sic_codes),
    accounts: {
      category: row.accounts_category,
      next_due: row.accounts_next_due,
      last_made_up_to: row.accounts_last_made_up,
    },
    confirmation_statement: { next_due: row.confirmation_next_due, last_made_up_to: row.confirmation_last_made_up },
    gone_at: isoTimestamp(row.gone_at),
    updated_at: isoTimestamp(row.updated_at),
  };
}
