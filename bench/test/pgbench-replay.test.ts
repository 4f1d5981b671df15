import { describe, expect, it } from "vitest";
import { pgbenchScript } from "../pgbench-replay";

/** The script the api-throughput bench hands pgbench for a request the local Neon server recorded. */
describe("pgbench script of a recorded request", () => {
  it("wraps a batch in its BEGIN and COMMIT, parameters as variables, NULL as the literal", () => {
    const script = pgbenchScript({
      begin: "BEGIN READ ONLY",
      queries: [
        { query: "/* request_id='r-1' */ select * from app.begin_request($1, $2, $3)", params: ["k", '{"a":1}', "s="] },
        { query: "select $1::uuid as id, $2::text as q", params: ["6f1c0f0e-0000-4000-8000-000000000000", null] },
      ],
    });
    expect(script.text).toBe(
      "BEGIN READ ONLY;\n" +
        "/* request_id='r-1' */ select * from app.begin_request(:p0_1, :p0_2, :p0_3);\n" +
        "select :p1_1::uuid as id, NULL::text as q;\n" +
        "COMMIT;\n",
    );
    expect(script.variables).toEqual({
      p0_1: "k",
      p0_2: '{"a":1}',
      p0_3: "s=",
      p1_1: "6f1c0f0e-0000-4000-8000-000000000000",
    });
  });

  it("sends a single statement as it is", () => {
    expect(pgbenchScript({ begin: null, queries: [{ query: "select 1", params: [] }] }).text).toBe("select 1;\n");
  });

  it("splits a string literal after each colon before a name, so pgbench sees no variable in it", () => {
    const query = "select to_char(now(), 'HH24:MI:SS'), 'it''s:x', 'a::b', '12:30'";
    expect(pgbenchScript({ begin: null, queries: [{ query, params: [] }] }).text).toBe(
      "select to_char(now(), ('HH24:' || 'MI:' || 'SS')), ('it''s:' || 'x'), ('a::' || 'b'), '12:30';\n",
    );
  });

  it("refuses what pgbench would read differently: a semicolon, a colon before a name", () => {
    expect(() => pgbenchScript({ begin: null, queries: [{ query: "select ';'", params: [] }] })).toThrow(/;/);
    expect(() => pgbenchScript({ begin: null, queries: [{ query: "select 1 where x = :b", params: [] }] })).toThrow(
      /:/,
    );
    expect(() => pgbenchScript({ begin: null, queries: [{ query: "select $1", params: [] }] })).toThrow(/\$1/);
  });
});
