import { sqlAs } from "./harness";

export interface RegisterSeed {
  company_number: string;
  name: string;
  status?: string;
  category?: string;
  incorporation_date?: string;
  postcode?: string;
  sic_codes?: string[];
  gone?: boolean;
}

const SECTIONS: Record<string, string> = { "62": "J", "63": "J", "68": "L", "70": "M", "99": "U", "47": "G" };

/**
 * Register rows written as the loader writes them (migrating role, as app_register), for route
 * tests; the loader itself is tested in test/node/register. Numbers must be unique per test file:
 * the register is shared by every tenant and every test file.
 */
export async function seedRegister(rows: RegisterSeed[]) {
  const sql = sqlAs("owner");
  const [results] = await sql.transaction([
    sql.query("insert into register_loads (file_name, fingerprint) values ('test.csv', 'test') returning id::int"),
  ]);
  const loadId = (results as { id: number }[])[0]?.id;
  for (const row of rows) {
    const postcode = row.postcode?.replace(/\s+/g, "") ?? null;
    const match = postcode ? /^([A-Z]{1,2})(\d[A-Z\d]?)\d[A-Z]{2}$/.exec(postcode) : null;
    const codes = row.sic_codes ?? [];
    await sql.query(
      `insert into register_companies (company_number, name, status, category, incorporation_date, address,
         postcode, postcode_area, postcode_district, sic_codes, sic_sections, row_hash, last_seen_load, gone_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'seed', $12, $13)`,
      [
        row.company_number,
        row.name,
        row.status ?? "Active",
        row.category ?? "Private Limited Company",
        row.incorporation_date ?? "2020-01-15",
        JSON.stringify(
          row.postcode ? { address_line_1: "1 Test Street", locality: "LONDON", postal_code: row.postcode } : {},
        ),
        postcode,
        match?.[1] ?? null,
        match ? `${match[1]}${match[2]}` : null,
        codes,
        [...new Set(codes.map((code) => SECTIONS[code.slice(0, 2)]).filter(Boolean))],
        loadId,
        row.gone ? new Date().toISOString() : null,
      ],
    );
  }
}
