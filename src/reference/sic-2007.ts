import { SIC_2007_TSV } from "./sic-2007-codes";

/**
 * UK SIC 2007 as Companies House uses it: the five-digit subclasses with Companies House's own
 * descriptions (its api-enumerations list, Crown copyright, Open Government Licence v3.0),
 * including its 74990 "Non-trading company" and 99999 "Dormant Company". The same list is loaded
 * into the sic_codes table by migration 0031 (a test compares the two).
 */
export interface SicCode {
  code: string;
  description: string;
  section: SicSection;
}

/** The 21 sections of SIC 2007 and the two-digit divisions each holds. */
export const SIC_SECTIONS = {
  A: { title: "Agriculture, forestry and fishing", divisions: [1, 3] },
  B: { title: "Mining and quarrying", divisions: [5, 9] },
  C: { title: "Manufacturing", divisions: [10, 33] },
  D: { title: "Electricity, gas, steam and air conditioning supply", divisions: [35, 35] },
  E: { title: "Water supply; sewerage, waste management and remediation activities", divisions: [36, 39] },
  F: { title: "Construction", divisions: [41, 43] },
  G: { title: "Wholesale and retail trade; repair of motor vehicles and motorcycles", divisions: [45, 47] },
  H: { title: "Transportation and storage", divisions: [49, 53] },
  I: { title: "Accommodation and food service activities", divisions: [55, 56] },
  J: { title: "Information and communication", divisions: [58, 63] },
  K: { title: "Financial and insurance activities", divisions: [64, 66] },
  L: { title: "Real estate activities", divisions: [68, 68] },
  M: { title: "Professional, scientific and technical activities", divisions: [69, 75] },
  N: { title: "Administrative and support service activities", divisions: [77, 82] },
  O: { title: "Public administration and defence; compulsory social security", divisions: [84, 84] },
  P: { title: "Education", divisions: [85, 85] },
  Q: { title: "Human health and social work activities", divisions: [86, 88] },
  R: { title: "Arts, entertainment and recreation", divisions: [90, 93] },
  S: { title: "Other service activities", divisions: [94, 96] },
  T: {
    title:
      "Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use",
    divisions: [97, 98],
  },
  U: { title: "Activities of extraterritorial organisations and bodies", divisions: [99, 99] },
} as const satisfies Record<string, { title: string; divisions: readonly [number, number] }>;

export type SicSection = keyof typeof SIC_SECTIONS;
export const SIC_SECTION_LETTERS = Object.keys(SIC_SECTIONS) as SicSection[];

/** The section of a five-digit code, from its division (first two digits); null if none. */
export function sectionOf(code: string): SicSection | null {
  if (!/^\d{5}$/.test(code)) return null;
  const division = Number(code.slice(0, 2));
  for (const letter of SIC_SECTION_LETTERS) {
    const [from, to] = SIC_SECTIONS[letter].divisions;
    if (division >= from && division <= to) return letter;
  }
  return null;
}

function parse(text: string): SicCode[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [code = "", description = ""] = line.split("\t");
      const section = sectionOf(code);
      if (!section || !description) throw new Error(`sic-2007-codes.txt: bad line ${JSON.stringify(line)}`);
      return { code, description, section };
    });
}

export const SIC_CODES: readonly SicCode[] = parse(SIC_2007_TSV);
export const SIC_BY_CODE: ReadonlyMap<string, SicCode> = new Map(SIC_CODES.map((entry) => [entry.code, entry]));

/** The codes of a section, for filters over stored code arrays. */
export const sicCodesOfSection = (section: SicSection) =>
  SIC_CODES.filter((entry) => entry.section === section).map((entry) => entry.code);
