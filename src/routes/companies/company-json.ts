import { sql } from "drizzle-orm";
import { jsonMembers } from "../../db/json-text";
import { prerendered } from "../../db/selection";
import { sicEntries } from "../register/schemas";
import { COMPANY_BODY_HEAD, COMPANY_BODY_TAIL } from "./schemas";

/*
 * The company body of GET /v1/companies/{id} and of the list, written by Postgres as JSON text
 * (as PostgREST does): the Worker passes it on instead of parsing some thirty columns per row,
 * reshaping them (`companyBody`) and serialising them again, which was most of a list's CPU in
 * the Worker. The JSON is that of `JSON.stringify(companyBody(row))`, key order and escapes
 * included, byte for byte but for the spaces inside `registered_office` (test/worker/routes/
 * companies-json.test.ts compares them). One member Postgres cannot write: `sic`, whose
 * descriptions come from the SIC 2007 table in the bundle. Postgres writes the codes there
 * (`"sic":["62012"]`) and `withSicEntries` puts the entries in their place.
 */
const HEAD = jsonMembers(COMPANY_BODY_HEAD);
const TAIL = jsonMembers(COMPANY_BODY_TAIL);

// jsonb's own text, as Postgres keeps it: the one member whose spacing differs from JSON.stringify
// (a space after each colon and comma). Writing it compactly in SQL (member by member through
// jsonb_each) cost Postgres ~5 µs per company, more than the parse and stringify it saved here.
const REGISTERED_OFFICE = sql`coalesce(registered_office::text, 'null')`;

/** A company's API body as one JSON text column (`body`), its `sic` member as codes; rendered once. */
export const COMPANY_BODY = prerendered(
  sql`concat('{', ${HEAD}, ',"sic":', array_to_json(sic_codes)::text, ',"registered_office":', ${REGISTERED_OFFICE}, ',', ${TAIL}, '}')`,
);

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

// Only a key can match: inside a JSON string every `"` is escaped, so `"sic":[` never occurs in a
// value, and the codes (digits) hold no `]`.
const SIC_CODES_MEMBER = /"sic":(\[[^\]]*\])/g;

/**
 * Company bodies written with COMPANY_BODY (one, or a list's joined with commas), with each `sic`
 * member's codes replaced by their entries: one pass over the text, however many companies.
 */
export function withSicEntries(json: string): string {
  return json.replace(SIC_CODES_MEMBER, (_, codes: string) => `"sic":${sicJson(codes)}`);
}
