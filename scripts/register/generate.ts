/**
 * Generated register files in the real format (header with its leading spaces, every field
 * quoted, dates dd/mm/yyyy, SIC codes as "62012 - description"), for tests and the bench.
 * Deterministic: the same options give the same file. Real SIC codes; made-up companies.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";
import { SIC_BY_CODE, SIC_CODES } from "../../src/reference/sic-2007";
import { REGISTER_HEADER } from "./format";

export interface GenerateOptions {
  rows: number;
  /** Seeds the choices; also changes every generated name and address when varied. */
  seed?: number;
  /** Records left out, by index (companies gone from a newer file). */
  omit?: (index: number) => boolean;
  /** Records whose name is changed, by index (companies updated in a newer file). */
  rename?: (index: number) => boolean;
  /** Malformed records put in place of these indices (a cut row, a bad date, no number). */
  malformed?: (index: number) => boolean;
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "ACME NORTH SOUTH EAST WEST BRIGHT BLUE GREEN RED OAK ASH ELM PINE CEDAR RIVER STONE IRON SILVER GOLD " +
  "SWIFT NOBLE ROYAL CROWN BRIDGE HARBOUR VALLEY MEADOW SUMMIT APEX NOVA ORBIT PIXEL CLOUD DATA LOGIC " +
  "VECTOR QUANTUM FUSION VERTEX MATRIX SIGNAL BEACON ANCHOR FALCON EAGLE LION TIGER PHOENIX ATLAS TITAN " +
  "ZENITH HORIZON PRIME ALPHA OMEGA DELTA SIGMA CAMDEN BRISTOL LEEDS YORK KENT DEVON CLYDE THAMES TWEED"
).split(" ");
const TRADES = (
  "SOFTWARE SYSTEMS DIGITAL CONSULTING SOLUTIONS TECHNOLOGIES NETWORKS SERVICES HOLDINGS PROPERTIES " +
  "DEVELOPMENTS CONSTRUCTION LOGISTICS TRADING VENTURES MEDIA DESIGN ENGINEERING CAPITAL PARTNERS FOODS"
).split(" ");
/** Real postcode areas with their towns; districts 1–20 are made up within them. */
const AREAS: [string, string][] = [
  ["EC", "LONDON"],
  ["WC", "LONDON"],
  ["E", "LONDON"],
  ["N", "LONDON"],
  ["NW", "LONDON"],
  ["SE", "LONDON"],
  ["SW", "LONDON"],
  ["W", "LONDON"],
  ["M", "MANCHESTER"],
  ["B", "BIRMINGHAM"],
  ["LS", "LEEDS"],
  ["G", "GLASGOW"],
  ["EH", "EDINBURGH"],
  ["BS", "BRISTOL"],
  ["CF", "CARDIFF"],
  ["L", "LIVERPOOL"],
  ["S", "SHEFFIELD"],
  ["NE", "NEWCASTLE UPON TYNE"],
  ["NG", "NOTTINGHAM"],
  ["LE", "LEICESTER"],
  ["CB", "CAMBRIDGE"],
  ["OX", "OXFORD"],
  ["RG", "READING"],
  ["MK", "MILTON KEYNES"],
  ["BT", "BELFAST"],
  ["AB", "ABERDEEN"],
  ["DD", "DUNDEE"],
  ["PL", "PLYMOUTH"],
  ["EX", "EXETER"],
  ["BN", "BRIGHTON"],
  ["GU", "GUILDFORD"],
  ["CV", "COVENTRY"],
  ["ST", "STOKE-ON-TRENT"],
  ["HU", "HULL"],
  ["YO", "YORK"],
  ["DE", "DERBY"],
  ["SO", "SOUTHAMPTON"],
  ["PO", "PORTSMOUTH"],
  ["NR", "NORWICH"],
  ["IP", "IPSWICH"],
  ["CM", "CHELMSFORD"],
  ["SS", "SOUTHEND-ON-SEA"],
  ["ME", "ROCHESTER"],
  ["CT", "CANTERBURY"],
  ["TN", "TONBRIDGE"],
  ["HP", "HEMEL HEMPSTEAD"],
  ["AL", "ST ALBANS"],
  ["SG", "STEVENAGE"],
  ["LU", "LUTON"],
  ["WD", "WATFORD"],
  ["HA", "HARROW"],
  ["UB", "UXBRIDGE"],
  ["TW", "TWICKENHAM"],
  ["KT", "KINGSTON UPON THAMES"],
  ["CR", "CROYDON"],
  ["BR", "BROMLEY"],
  ["DA", "DARTFORD"],
  ["RM", "ROMFORD"],
  ["IG", "ILFORD"],
  ["EN", "ENFIELD"],
  ["SA", "SWANSEA"],
  ["NP", "NEWPORT"],
  ["LL", "LLANDUDNO"],
  ["IV", "INVERNESS"],
];
const CATEGORIES: [string, number][] = [
  ["Private Limited Company", 0.88],
  ["PRI/LTD BY GUAR/NSC (Private, limited by guarantee, no share capital)", 0.04],
  ["Limited Liability Partnership", 0.03],
  ["Community Interest Company", 0.02],
  ["Limited Partnership", 0.02],
  ["Public Limited Company", 0.01],
];
const STATUSES: [string, number][] = [
  ["Active", 0.92],
  ["Active - Proposal to Strike off", 0.05],
  ["Liquidation", 0.02],
  ["In Administration", 0.01],
];
/** Codes the real register uses most, picked half of the time. */
const COMMON_SIC = [
  "62012",
  "62020",
  "70229",
  "68209",
  "82990",
  "96090",
  "47910",
  "41100",
  "43999",
  "56101",
  "99999",
  "74990",
  "64209",
  "86900",
  "49410",
  "62090",
  "63110",
  "73110",
  "69201",
  "85590",
];

function pick(rand: () => number, weighted: [string, number][]): string {
  let r = rand();
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return weighted[0]?.[0] ?? "";
}
function choose<T>(rand: () => number, list: readonly T[]): T {
  const value = list[Math.floor(rand() * list.length)];
  if (value === undefined) throw new Error("choose from an empty list");
  return value;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const ddmmyyyy = (d: Date) => `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** The company number of record `index`: mostly 8 digits, some Scottish (SC) and NI ones. */
export function generatedNumber(index: number): string {
  if (index < 1_000_000 && index % 10 === 7) return `SC${pad(index, 6)}`;
  if (index < 1_000_000 && index % 25 === 11) return `NI${pad(index, 6)}`;
  return pad(index + 1, 8);
}

/** The fields of record `index`, in header order. */
export function generatedRecord(index: number, options: GenerateOptions): string[] {
  const rand = random((options.seed ?? 1) * 1_000_003 + index);
  const renamed = options.rename?.(index) ? " RENAMED" : "";
  const tricky = index % 97 === 5 ? ', "THE" ' : " "; // commas and quotes inside a quoted field
  const name = `${choose(rand, WORDS)}${tricky}${choose(rand, WORDS)} ${choose(rand, TRADES)}${renamed} LIMITED`;
  const [area, town] = choose(rand, AREAS);
  const district = `${area}${1 + Math.floor(rand() * 20)}`;
  const inward = `${Math.floor(rand() * 10)}${choose(rand, [..."ABDEFGHJLNPQRSTUWXYZ"])}${choose(rand, [..."ABDEFGHJLNPQRSTUWXYZ"])}`;
  const incorporated = new Date(Date.UTC(2026, 0, 1) - Math.floor(rand() ** 2 * 70 * 365.25) * 86_400_000);
  const sicCount = 1 + Math.floor(rand() ** 3 * 4);
  const sic: string[] = [];
  while (sic.length < sicCount) {
    const code = rand() < 0.5 ? choose(rand, COMMON_SIC) : choose(rand, SIC_CODES).code;
    if (!sic.includes(code)) sic.push(code);
  }
  const sicTexts = [0, 1, 2, 3].map((i) => {
    const code = sic[i];
    if (code) return `${code} - ${SIC_BY_CODE.get(code)?.description ?? ""}`;
    return i === 0 ? "None Supplied" : "";
  });
  const nextAccounts = new Date(Date.UTC(2027, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)));
  const lastAccounts = new Date(nextAccounts.getTime() - 274 * 86_400_000);
  const number = generatedNumber(index);
  const fields: Record<string, string> = {
    CompanyName: name,
    CompanyNumber: number,
    "RegAddress.AddressLine1": `${1 + Math.floor(rand() * 200)} ${choose(rand, WORDS)} STREET`,
    "RegAddress.PostTown": town,
    "RegAddress.Country": area === "BT" ? "NORTHERN IRELAND" : "UNITED KINGDOM",
    "RegAddress.PostCode": `${district} ${inward}`,
    CompanyCategory: pick(rand, CATEGORIES),
    CompanyStatus: pick(rand, STATUSES),
    CountryOfOrigin: "United Kingdom",
    IncorporationDate: ddmmyyyy(incorporated),
    "Accounts.AccountRefDay": String(nextAccounts.getUTCDate()),
    "Accounts.AccountRefMonth": String(nextAccounts.getUTCMonth() + 1),
    "Accounts.NextDueDate": ddmmyyyy(nextAccounts),
    "Accounts.LastMadeUpDate": ddmmyyyy(lastAccounts),
    "Accounts.AccountCategory": choose(rand, ["MICRO ENTITY", "TOTAL EXEMPTION FULL", "SMALL", "DORMANT", "FULL"]),
    "Mortgages.NumMortCharges": "0",
    "Mortgages.NumMortOutstanding": "0",
    "Mortgages.NumMortPartSatisfied": "0",
    "Mortgages.NumMortSatisfied": "0",
    "SICCode.SicText_1": sicTexts[0] ?? "",
    "SICCode.SicText_2": sicTexts[1] ?? "",
    "SICCode.SicText_3": sicTexts[2] ?? "",
    "SICCode.SicText_4": sicTexts[3] ?? "",
    "LimitedPartnerships.NumGenPartners": "0",
    "LimitedPartnerships.NumLimPartners": "0",
    URI: `http://business.data.gov.uk/id/company/${number}`,
    ConfStmtNextDueDate: ddmmyyyy(new Date(incorporated.getTime() + 380 * 86_400_000)),
  };
  return REGISTER_HEADER.map((column) => fields[column.trim()] ?? "");
}

/** Malformed records, one of three kinds by index. */
function malformedLine(index: number, options: GenerateOptions): string {
  const record = generatedRecord(index, options);
  switch (index % 3) {
    case 0:
      return record.slice(0, 7).map(quote).join(","); // a cut row: too few fields
    case 1:
      record[REGISTER_HEADER.indexOf("IncorporationDate")] = "31/02/2019"; // no such date
      return record.map(quote).join(",");
    default:
      record[REGISTER_HEADER.indexOf(" CompanyNumber")] = "";
      return record.map(quote).join(",");
  }
}

/** The file's lines (CRLF-free; the loader accepts both). */
export function* registerLines(options: GenerateOptions): Generator<string> {
  yield REGISTER_HEADER.join(",");
  for (let index = 0; index < options.rows; index++) {
    if (options.omit?.(index)) continue;
    if (options.malformed?.(index)) yield malformedLine(index, options);
    else yield generatedRecord(index, options).map(quote).join(",");
  }
}

/** Writes a generated CSV file, streaming (a million rows is ~400 MB). */
export async function writeRegisterCsv(path: string, options: GenerateOptions): Promise<void> {
  const out = createWriteStream(path);
  let chunk: string[] = [];
  for (const line of registerLines(options)) {
    chunk.push(line);
    if (chunk.length === 5000) {
      if (!out.write(`${chunk.join("\n")}\n`)) await once(out, "drain");
      chunk = [];
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join("\n")}\n` : "");
  await once(out, "finish");
}

/** A one-entry zip (deflate) of a CSV held in memory, as Companies House ships the file. */
export function zipOf(entryName: string, content: Buffer): Buffer {
  const name = Buffer.from(entryName, "utf8");
  const data = deflateRawSync(content);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
