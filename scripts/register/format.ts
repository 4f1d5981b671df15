/**
 * The Companies House "Free Company Data Product" (BasicCompanyData…csv): its header, exactly as
 * the file writes it (some names start with a space), and one record turned into a register row.
 */
import { createHash } from "node:crypto";
import { type SicSection, sectionOf } from "../../src/reference/sic-2007";

// The real file writes " PreviousName_N.CompanyName" with a space, and " PreviousName_2.CONDATE" too.
const PREVIOUS_NAMES = Array.from({ length: 10 }, (_, i) => [
  `${i === 1 ? " " : ""}PreviousName_${i + 1}.CONDATE`,
  ` PreviousName_${i + 1}.CompanyName`,
]).flat();

/** The real header line's fields, leading spaces included. */
export const REGISTER_HEADER = [
  "CompanyName",
  " CompanyNumber",
  "RegAddress.CareOf",
  "RegAddress.POBox",
  "RegAddress.AddressLine1",
  " RegAddress.AddressLine2",
  "RegAddress.PostTown",
  "RegAddress.County",
  "RegAddress.Country",
  "RegAddress.PostCode",
  "CompanyCategory",
  "CompanyStatus",
  "CountryOfOrigin",
  "DissolutionDate",
  "IncorporationDate",
  "Accounts.AccountRefDay",
  "Accounts.AccountRefMonth",
  "Accounts.NextDueDate",
  "Accounts.LastMadeUpDate",
  "Accounts.AccountCategory",
  "Returns.NextDueDate",
  "Returns.LastMadeUpDate",
  "Mortgages.NumMortCharges",
  "Mortgages.NumMortOutstanding",
  "Mortgages.NumMortPartSatisfied",
  "Mortgages.NumMortSatisfied",
  "SICCode.SicText_1",
  "SICCode.SicText_2",
  "SICCode.SicText_3",
  "SICCode.SicText_4",
  "LimitedPartnerships.NumGenPartners",
  "LimitedPartnerships.NumLimPartners",
  "URI",
  ...PREVIOUS_NAMES,
  "ConfStmtNextDueDate",
  " ConfStmtLastMadeUpDate",
] as const;

/** Field names as the loader looks them up: trimmed. */
export type RegisterField = string;

export interface RegisterRow {
  company_number: string;
  name: string;
  category: string | null;
  status: string | null;
  country_of_origin: string | null;
  incorporation_date: string | null;
  dissolution_date: string | null;
  address: Record<string, string> | null;
  postcode: string | null;
  postcode_area: string | null;
  postcode_district: string | null;
  sic_codes: string[];
  sic_sections: SicSection[];
  accounts_ref_day: number | null;
  accounts_ref_month: number | null;
  accounts_next_due: string | null;
  accounts_last_made_up: string | null;
  accounts_category: string | null;
  confirmation_next_due: string | null;
  confirmation_last_made_up: string | null;
  row_hash: string;
}

export class RecordError extends Error {}

const REQUIRED = ["CompanyName", "CompanyNumber"];

/** Column positions by trimmed name; refuses a header without the columns a row needs. */
export function headerIndex(header: string[]): Map<RegisterField, number> {
  const index = new Map(header.map((name, i) => [name.replace(/^\uFEFF/, "").trim(), i] as const));
  const missing = REQUIRED.filter((name) => !index.has(name));
  if (missing.length > 0) {
    throw new Error(`not a Companies House company data file: no ${missing.join(", ")} column in the header`);
  }
  return index;
}

const COMPANY_NUMBER = /^[A-Z0-9]{8}$/;
const POSTCODE = /^([A-Z]{1,2})(\d[A-Z\d]?)(\d[A-Z]{2})$/;

/** dd/mm/yyyy, as the file writes dates, to ISO; empty to null. */
export function registerDate(value: string, field: string): string | null {
  if (value === "") return null;
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (match) {
    const [, dd, mm, yyyy] = match;
    const iso = `${yyyy}-${mm}-${dd}`;
    const parsed = new Date(`${iso}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso)) return iso;
  }
  throw new RecordError(`${field}: "${value.slice(0, 20)}" is not a dd/mm/yyyy date`);
}

function smallInt(value: string, max: number): number | null {
  if (!/^\d{1,2}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= max ? n : null;
}

/** Postcode, its area ("EC") and its district (outward code, "EC1A"), when it is a UK postcode. */
export function postcodeParts(raw: string) {
  const postcode = raw.toUpperCase().replace(/\s+/g, "");
  if (postcode === "") return { postcode: null, postcode_area: null, postcode_district: null };
  const match = POSTCODE.exec(postcode);
  return {
    postcode,
    postcode_area: match?.[1] ?? null,
    postcode_district: match ? `${match[1]}${match[2]}` : null,
  };
}

/** One record of the file as a register row; RecordError when it cannot be one. */
export function registerRow(record: string[], index: Map<RegisterField, number>): RegisterRow {
  if (record.length !== index.size) {
    throw new RecordError(`has ${record.length} fields, the header ${index.size}`);
  }
  const field = (name: string) => {
    const i = index.get(name);
    return i === undefined ? "" : (record[i] ?? "").trim();
  };
  const name = field("CompanyName");
  if (name === "") throw new RecordError("CompanyName is empty");
  if (name.length > 300) throw new RecordError("CompanyName is longer than 300 characters");
  const companyNumber = field("CompanyNumber").toUpperCase();
  if (!COMPANY_NUMBER.test(companyNumber)) {
    throw new RecordError(`CompanyNumber "${companyNumber.slice(0, 20)}" is not 8 letters or digits`);
  }

  const sicCodes: string[] = [];
  for (const n of [1, 2, 3, 4]) {
    // "62012 - Business and domestic software development"; "None Supplied" when there is none.
    const code = /^(\d{5})\b/.exec(field(`SICCode.SicText_${n}`))?.[1];
    if (code && !sicCodes.includes(code)) sicCodes.push(code);
  }
  const sections = [...new Set(sicCodes.map(sectionOf).filter((s): s is SicSection => s !== null))];

  const address: Record<string, string> = {};
  for (const [key, source] of [
    ["care_of", "RegAddress.CareOf"],
    ["po_box", "RegAddress.POBox"],
    ["address_line_1", "RegAddress.AddressLine1"],
    ["address_line_2", "RegAddress.AddressLine2"],
    ["locality", "RegAddress.PostTown"],
    ["region", "RegAddress.County"],
    ["country", "RegAddress.Country"],
    ["postal_code", "RegAddress.PostCode"],
  ] as const) {
    const value = field(source);
    if (value !== "") address[key] = value;
  }
  const text = (name: string) => field(name) || null;

  const row: Omit<RegisterRow, "row_hash"> = {
    company_number: companyNumber,
    name,
    category: text("CompanyCategory"),
    status: text("CompanyStatus"),
    country_of_origin: text("CountryOfOrigin"),
    incorporation_date: registerDate(field("IncorporationDate"), "IncorporationDate"),
    dissolution_date: registerDate(field("DissolutionDate"), "DissolutionDate"),
    address: Object.keys(address).length > 0 ? address : null,
    ...postcodeParts(field("RegAddress.PostCode")),
    sic_codes: sicCodes,
    sic_sections: sections,
    accounts_ref_day: smallInt(field("Accounts.AccountRefDay"), 31),
    accounts_ref_month: smallInt(field("Accounts.AccountRefMonth"), 12),
    accounts_next_due: registerDate(field("Accounts.NextDueDate"), "Accounts.NextDueDate"),
    accounts_last_made_up: registerDate(field("Accounts.LastMadeUpDate"), "Accounts.LastMadeUpDate"),
    accounts_category: text("Accounts.AccountCategory"),
    confirmation_next_due: registerDate(field("ConfStmtNextDueDate"), "ConfStmtNextDueDate"),
    confirmation_last_made_up: registerDate(field("ConfStmtLastMadeUpDate"), "ConfStmtLastMadeUpDate"),
  };
  return { ...row, row_hash: createHash("sha1").update(JSON.stringify(row)).digest("base64url") };
}
