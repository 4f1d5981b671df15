import { describe, expect, it } from "vitest";
import { parseCsv } from "../../../src/imports/csv";
import { rowsFromCsv } from "../../../src/imports/rows";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, after a BOM", () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"two\r\nlines",\n')).toEqual([
      { fields: ["a", "b"] },
      { fields: ["x, y", 'say "hi"'] },
      { fields: ["two\r\nlines", ""] },
    ]);
  });

  it("skips empty lines and keeps a last record without a line break", () => {
    expect(parseCsv("a\n\n\r\nb")).toEqual([{ fields: ["a"] }, { fields: ["b"] }]);
    expect(parseCsv('""')).toEqual([{ fields: [""] }]);
  });

  it("marks a malformed record and reads on", () => {
    expect(parseCsv('a"b,c\n"x"y,z\nok,1\n"open')).toEqual([
      { fields: ['a"b', "c"], malformed: "a double quote inside a field that does not start with one" },
      { fields: ["xy", "z"], malformed: "text after a closing double quote" },
      { fields: ["ok", "1"] },
      { fields: ["open"], malformed: "a quoted field is not closed before the end of the file" },
    ]);
  });
});

describe("rowsFromCsv", () => {
  it("takes either column, normalises numbers and websites, and numbers rows after the header", () => {
    const rows = rowsFromCsv(" Website , COMPANY_NUMBER\nwww.Acme.co.uk/about,\n,sc123456\nacme.io,123\n,\n");
    expect(rows.map((row) => [row.row_number, row.kind, row.value, row.domain, row.status])).toEqual([
      [1, "website", "https://www.acme.co.uk", "acme.co.uk", "pending"],
      [2, "company_number", "SC123456", null, "pending"],
      [3, "company_number", "00000123", "acme.io", "pending"],
      [4, null, null, null, "failed"],
    ]);
    expect(rows[2]?.website).toBe("https://acme.io");
    expect(rows[3]?.detail).toBe("The row has neither a company number nor a website.");
  });
});
