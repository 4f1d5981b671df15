import { companies, type RegisteredOffice } from "../db/schema/companies";
import type { LAWFUL_BASES } from "../db/schema/contacts";
import { type RowOf, selectList } from "../db/selection";
import { isoTimestamp } from "../http/timestamps";
import type { Cell, ExportFormat } from "./encode";

/**
 * What an export holds of each company (README "Exports"): the company's own fields, never its
 * provenance internals, and with `include` its technologies and its contacts.
 */
export const exportedCompanyColumns = {
  id: companies.id,
  companyNumber: companies.companyNumber,
  name: companies.name,
  status: companies.status,
  type: companies.type,
  dateOfCreation: companies.dateOfCreation,
  dateOfCessation: companies.dateOfCessation,
  sicCodes: companies.sicCodes,
  registeredOffice: companies.registeredOffice,
  postcode: companies.postcode,
  website: companies.website,
  domain: companies.domain,
  tags: companies.tags,
  accountsNextDue: companies.accountsNextDue,
  accountsOverdue: companies.accountsOverdue,
  confirmationStatementNextDue: companies.confirmationStatementNextDue,
  confirmationStatementOverdue: companies.confirmationStatementOverdue,
  insolvencyStatus: companies.insolvencyStatus,
  createdAt: companies.createdAt,
  updatedAt: companies.updatedAt,
};
export const EXPORTED_COMPANY_COLUMNS = (alias: string) => selectList(exportedCompanyColumns, alias);

/**
 * Lawful bases under which a contact's personal data may go into a file for sales use: the
 * person agreed, there is a contract, or the tenant's legitimate interest (B2B prospecting).
 * Contacts held for a legal obligation, vital interests or a public task are never exported.
 */
export const EXPORTABLE_LAWFUL_BASES = [
  "consent",
  "contract",
  "legitimate_interests",
] as const satisfies readonly (typeof LAWFUL_BASES)[number][];

export interface ExportedContact extends Record<string, unknown> {
  name: string;
  job_title: string | null;
  email: string | null;
  phone: string | null;
  lawful_basis: string;
  source: string;
  source_url: string | null;
  collected_at: string;
}

export interface ExportedTechnology extends Record<string, unknown> {
  slug: string;
  name: string | null;
  category: string | null;
  confidence: number | null;
}

export type ExportPageRow = RowOf<typeof exportedCompanyColumns> & {
  position: number;
  contacts: ExportedContact[] | null;
  technologies: ExportedTechnology[] | null;
};

/** The company's fields in the file: the columns' own names, in their order above. */
const COMPANY_FIELDS = Object.values(exportedCompanyColumns).map((column) => column.name);

/** The file's columns (CSV header, NDJSON keys), in order. */
export function exportColumnsOf(include: readonly string[]): string[] {
  return [
    ...COMPANY_FIELDS,
    ...(include.includes("signals") ? ["technologies"] : []),
    ...(include.includes("contacts") ? ["contacts"] : []),
  ];
}

const ADDRESS_PARTS = [
  "care_of",
  "po_box",
  "premises",
  "address_line_1",
  "address_line_2",
  "locality",
  "region",
  "postal_code",
  "country",
] as const satisfies readonly (keyof RegisteredOffice)[];

/** The registered office on one line, as a spreadsheet user reads it. */
const oneLine = (office: RegisteredOffice | null) =>
  office
    ? ADDRESS_PARTS.map((part) => office[part])
        .filter(Boolean)
        .join(", ")
    : null;

/**
 * One company as the file holds it. CSV cells are flat: the address on one line, lists joined by
 * `;`, technologies as their slugs, contacts as a JSON array; NDJSON keeps the structure.
 */
export function exportRecord(row: ExportPageRow, format: ExportFormat): Record<string, Cell> {
  const contacts = row.contacts?.map((contact) => ({ ...contact, collected_at: isoTimestamp(contact.collected_at) }));
  return {
    id: row.id,
    company_number: row.company_number,
    name: row.name,
    status: row.status,
    type: row.type,
    date_of_creation: row.date_of_creation,
    date_of_cessation: row.date_of_cessation,
    sic_codes: row.sic_codes,
    registered_office:
      format === "csv" ? oneLine(row.registered_office) : row.registered_office && { ...row.registered_office },
    postcode: row.postcode,
    website: row.website,
    domain: row.domain,
    tags: row.tags,
    accounts_next_due: row.accounts_next_due,
    accounts_overdue: row.accounts_overdue,
    confirmation_statement_next_due: row.confirmation_statement_next_due,
    confirmation_statement_overdue: row.confirmation_statement_overdue,
    insolvency_status: row.insolvency_status,
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
    technologies: format === "csv" ? row.technologies?.map((t) => t.slug) : row.technologies,
    // In CSV always JSON, an empty list too (`[]`), so a reader parses every cell the same way.
    contacts: format === "csv" && contacts ? JSON.stringify(contacts) : contacts,
  };
}
