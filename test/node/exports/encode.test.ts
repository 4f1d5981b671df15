import { describe, expect, it } from "vitest";
import { csvCell, encodeRows } from "../../../src/exports/encode";

describe("export CSV", () => {
  it("makes formula-looking cells text, so a spreadsheet never runs them", () => {
    for (const value of ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      const cell = csvCell(value);
      expect(cell.replace(/^"/, "").startsWith("'")).toBe(true);
    }
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("Acme Ltd")).toBe("Acme Ltd");
    expect(csvCell(-3)).toBe("-3");
  });

  it("quotes commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell('Say "hi", then\nleave')).toBe('"Say ""hi"", then\nleave"');
    expect(csvCell(["62012", "62020"])).toBe("62012;62020");
    expect(csvCell(null)).toBe("");
  });

  it("writes a header row then one CRLF row per record; NDJSON one object per line", () => {
    const rows = [
      { name: "=cmd", company_number: "01234567" },
      { name: "Beta, Ltd", company_number: null },
    ];
    expect(encodeRows("csv", ["name", "company_number"], rows)).toBe(
      'name,company_number\r\n\'=cmd,01234567\r\n"Beta, Ltd",\r\n',
    );
    const lines = encodeRows("ndjson", ["name", "company_number"], rows).trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual(rows);
  });
});
