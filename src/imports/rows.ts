import { ApiError } from "../errors/api-error";
import { companyNumberSchema, websiteSchema } from "../routes/companies/schemas";
import { parseCsv } from "./csv";

/** The most rows one import takes (more: 422, nothing created). */
export const MAX_IMPORT_ROWS = 10_000;
/** What is kept of a row's input, for its error report. */
const MAX_INPUT = 300;

/** A row as POST /v1/imports stores it: to do (`pending`) or refused up front (`failed`). */
export interface ImportRowInput {
  row_number: number;
  kind: "company_number" | "website" | null;
  input: string;
  value: string | null;
  domain: string | null;
  website: string | null;
  status: "pending" | "failed";
  problem_type: string | null;
  detail: string | null;
}

const failed = (row: number, input: string, detail: string): ImportRowInput => ({
  row_number: row,
  kind: null,
  input: input.slice(0, MAX_INPUT),
  value: null,
  domain: null,
  website: null,
  status: "failed",
  problem_type: "validation_failed",
  detail,
});

const pending = (row: number, input: string, work: Pick<ImportRowInput, "kind" | "value" | "domain" | "website">) => ({
  ...work,
  row_number: row,
  input: input.slice(0, MAX_INPUT),
  status: "pending" as const,
  problem_type: null,
  detail: null,
});

/**
 * A row's company number and/or website, checked; `input` is what the report shows. A row with
 * both is imported by its number, and the website is given to the company if it has none.
 */
function validated(row: number, number: string, website: string, input: string): ImportRowInput {
  if (number === "" && website === "") return failed(row, input, "The row has neither a company number nor a website.");
  const site = website === "" ? null : websiteSchema.safeParse(website);
  if (site && !site.success)
    return failed(row, input, `"${website.slice(0, 100)}" is not a website address or domain.`);
  const origin = site?.data?.origin ?? null;
  const domain = site?.data?.domain ?? null;
  if (number === "") return pending(row, input, { kind: "website", value: origin, domain, website: null });
  const parsed = companyNumberSchema.safeParse(number);
  if (!parsed.success) {
    return failed(
      row,
      input,
      `"${number.slice(0, 20)}" is not a UK company number (8 digits, or a prefix such as SC and 6 digits).`,
    );
  }
  return pending(row, input, { kind: "company_number", value: parsed.data, domain, website: origin });
}

const tooMany = (rows: number) =>
  new ApiError("unprocessable", `An import takes at most ${MAX_IMPORT_ROWS} rows; this one has ${rows}.`, {
    errors: [{ field: "body", message: `at most ${MAX_IMPORT_ROWS} rows` }],
  });

const noRows = () =>
  new ApiError("unprocessable", "The import has no rows.", { errors: [{ field: "body", message: "no rows" }] });

/**
 * A CSV body: a header row naming `company_number` and/or `website` (case and spaces ignored;
 * other columns ignored), then one row per company. Rows are numbered from 1 after the header.
 */
export function rowsFromCsv(text: string): ImportRowInput[] {
  const [header, ...records] = parseCsv(text);
  const names = header?.fields.map((name) => name.trim().toLowerCase()) ?? [];
  const numberAt = names.indexOf("company_number");
  const websiteAt = names.indexOf("website");
  if (!header || header.malformed || (numberAt < 0 && websiteAt < 0)) {
    throw new ApiError("unprocessable", "The CSV needs a header row with a `company_number` or `website` column.", {
      errors: [{ field: "body", message: "header row with company_number and/or website" }],
    });
  }
  if (records.length > MAX_IMPORT_ROWS) throw tooMany(records.length);
  if (records.length === 0) throw noRows();
  return records.map((record, i) => {
    const row = i + 1;
    const input = record.fields.join(",");
    if (record.malformed) return failed(row, input, `The row is not valid CSV: ${record.malformed}.`);
    if (record.fields.length !== names.length) {
      return failed(row, input, `The row has ${record.fields.length} fields; the header has ${names.length}.`);
    }
    const number = numberAt < 0 ? "" : (record.fields[numberAt] ?? "").trim();
    const website = websiteAt < 0 ? "" : (record.fields[websiteAt] ?? "").trim();
    return validated(
      row,
      number,
      website,
      number !== "" && website !== "" ? `${number},${website}` : number || website,
    );
  });
}

/** A JSON body: company numbers are rows 1..n, websites follow. */
export function rowsFromJson(body: { company_numbers?: string[]; websites?: string[] }): ImportRowInput[] {
  const numbers = body.company_numbers ?? [];
  const websites = body.websites ?? [];
  const total = numbers.length + websites.length;
  if (total > MAX_IMPORT_ROWS) throw tooMany(total);
  if (total === 0) throw noRows();
  return [
    ...numbers.map((number, i) => validated(i + 1, number.trim(), "", number)),
    ...websites.map((website, i) => validated(numbers.length + i + 1, "", website.trim(), website)),
  ];
}
