/**
 * Export file formats. CSV follows RFC 4180 (CRLF rows, quotes doubled) and is safe to open in a
 * spreadsheet: a cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab
 * or a carriage return; OWASP "CSV injection") is prefixed with a single quote, so it shows as text.
 * NDJSON is one JSON object per line.
 */
export type ExportFormat = "csv" | "ndjson";
export type Cell =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly string[]
  | readonly Record<string, unknown>[]
  | Record<string, unknown>;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as the spreadsheet should show it: text, never a formula. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "number" || typeof value === "boolean") {
    // Numbers are data, not formulas: -1 stays -1 (a spreadsheet reads it as the number).
    text = String(value);
    return text;
  }
  // A list of words is read as one (`a;b`); a list of records keeps its structure as JSON.
  if (Array.isArray(value))
    text = value.every((item) => typeof item === "string") ? value.join(";") : JSON.stringify(value);
  else if (typeof value === "object") text = JSON.stringify(value);
  else text = value as string;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export const contentTypeOf = (format: ExportFormat) =>
  format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson";

/** What a file starts with: CSV's header row; nothing for NDJSON. */
export const fileHeader = (format: ExportFormat, columns: readonly string[]) =>
  format === "csv" ? csvRow(columns) : "";

/** `rows` as lines of the file, without the header: a file written page by page is header + pages. */
export function encodeLines(format: ExportFormat, columns: readonly string[], rows: readonly Record<string, Cell>[]) {
  if (format === "ndjson") {
    return rows
      .map((row) => `${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}\n`)
      .join("");
  }
  return rows.map((row) => csvRow(columns.map((column) => row[column]))).join("");
}

/** The file for `rows` under `columns` (CSV: a header row first; NDJSON: the same keys per line). */
export function encodeRows(format: ExportFormat, columns: readonly string[], rows: readonly Record<string, Cell>[]) {
  return fileHeader(format, columns) + encodeLines(format, columns, rows);
}
