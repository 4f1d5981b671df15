import { sql } from "drizzle-orm";
import { jsonMembers, prerendered } from "../../db/json-text";
import type { RegisteredOffice } from "../../db/schema/companies";
import { sicEntries } from "../register/schemas";
import { COMPANY_BODY_HEAD, COMPANY_BODY_TAIL } from "./schemas";

/*
 * The company body of GET /v1/companies/{id} and of the list, written by Postgres as JSON text
 * (as PostgREST does): the Worker passes it on instead of parsing some thirty columns per row,
 * reshaping them (`companyBody`) and serialising them again, which was most of a list's CPU in
 * the Worker. The bytes are those `JSON.stringify(companyBody(row))` gives (test/worker/routes/
 * companies-json.test.ts compares them); the two members Postgres cannot write so are added here:
 * `sic` (descriptions from the SIC 2007 table in the bundle) and `registered_office` (jsonb,
 * whose text Postgres writes with spaces).
 */
const HEAD = jsonMembers(COMPANY_BODY_HEAD);
const TAIL = jsonMembers(COMPANY_BODY_TAIL);

/** The select list of a company as JSON text (see `companyJson`), rendered once. */
export const COMPANY_JSON_COLUMNS = prerendered(
  sql`${HEAD} as body_head, array_to_json(sic_codes)::text as sic_codes_json, registered_office, ${TAIL} as body_tail`,
);

export interface CompanyJsonRow extends Record<string, unknown> {
  body_head: string;
  sic_codes_json: string;
  registered_office: RegisteredOffice | null;
  body_tail: string;
}

// Companies share few SIC code lists: their `sic` member is built once per list and isolate.
const sicByCodes = new Map<string, string>();
const MAX_SIC_LISTS = 2000;

function sicJson(codesJson: string): string {
  let json = sicByCodes.get(codesJson);
  if (json === undefined) {
    json = JSON.stringify(sicEntries(JSON.parse(codesJson) as string[]));
    if (sicByCodes.size >= MAX_SIC_LISTS) sicByCodes.clear();
    sicByCodes.set(codesJson, json);
  }
  return json;
}

/** A company's API body as JSON text, from a row selected with COMPANY_JSON_COLUMNS. */
export function companyJson(row: CompanyJsonRow): string {
  return `{${row.body_head},"sic":${sicJson(row.sic_codes_json)},"registered_office":${JSON.stringify(row.registered_office)},${row.body_tail}}`;
}
