/**
 * npm run register:generate -- --rows N --out FILE [--seed S] [--zip]
 *
 * Writes a made-up register file in the real Companies House format (scripts/register/generate.ts),
 * for trying `npm run register:load` and for the bench.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { writeRegisterCsv, zipOf } from "./register/generate";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000" },
    out: { type: "string", default: "BasicCompanyData-generated.csv" },
    seed: { type: "string", default: "1" },
    zip: { type: "boolean", default: false },
  },
});
const rows = Number(values.rows);
const out = values.out ?? "BasicCompanyData-generated.csv";
const csv = values.zip ? `${out.replace(/\.zip$/i, "")}.csv` : out;
await writeRegisterCsv(csv, { rows, seed: Number(values.seed) });
if (values.zip) {
  await writeFile(out, zipOf(basename(csv), await readFile(csv)));
  await rm(csv);
}
console.log(`wrote ${rows} records to ${out}`);
