/** One CSV record: its fields, or why it could not be read (a per-row error, never the whole file's). */
export interface CsvRecord {
  fields: string[];
  malformed?: string;
}

/**
 * RFC 4180 records: fields separated by commas, records by CRLF or LF, a field in double quotes
 * may hold commas, line breaks and doubled quotes (""). A leading byte-order mark is dropped.
 * Lenient where the RFC leaves room: a record cut off by the end of the file still counts, and a
 * record with a quote in the middle of an unquoted field, or text after a closing quote, is
 * returned as malformed (the rest of the file is read on). Empty lines are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let malformed: string | undefined;
  let quoted = false;
  let afterQuote = false;
  let lineEmpty = true;

  const endField = () => {
    fields.push(field);
    field = "";
    afterQuote = false;
  };
  const endRecord = () => {
    endField();
    if (!(lineEmpty && fields.length === 1 && fields[0] === "")) {
      records.push(malformed ? { fields, malformed } : { fields });
    }
    fields = [];
    malformed = undefined;
    lineEmpty = true;
  };

  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else field += ch;
      continue;
    }
    if (ch === ",") {
      lineEmpty = false;
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && input[i + 1] === "\n") i++;
      endRecord();
    } else if (ch === '"') {
      lineEmpty = false;
      if (field === "" && !afterQuote) quoted = true;
      else {
        malformed ??= "a double quote inside a field that does not start with one";
        field += ch;
      }
    } else {
      lineEmpty = false;
      if (afterQuote) malformed ??= "text after a closing double quote";
      field += ch;
    }
  }
  if (quoted) malformed ??= "a quoted field is not closed before the end of the file";
  if (!lineEmpty || quoted || fields.length > 0) endRecord();
  return records;
}
