import { z } from "zod";

/** A registered office as Companies House describes it (and as the API shows it). */
/**
 * Bounds on what we take from Companies House (its own fields are far shorter); a profile
 * outside them is refused as unreadable (502) rather than stored and published unbounded.
 */
const MAX_FIELD = 200;
/** Companies House lists at most four SIC codes; officers come one page (35 by default, 100 at most) at a time. */
export const MAX_SIC_CODES = 4;
export const MAX_OFFICERS = 100;

export const addressSchema = z.object({
  care_of: z.string().max(MAX_FIELD).optional(),
  po_box: z.string().max(MAX_FIELD).optional(),
  premises: z.string().max(MAX_FIELD).optional(),
  address_line_1: z.string().max(MAX_FIELD).optional(),
  address_line_2: z.string().max(MAX_FIELD).optional(),
  locality: z.string().max(MAX_FIELD).optional(),
  region: z.string().max(MAX_FIELD).optional(),
  postal_code: z.string().max(MAX_FIELD).optional(),
  country: z.string().max(MAX_FIELD).optional(),
});

/** The parts of Companies House responses we use; anything else they send is ignored. */
export const profileSchema = z.object({
  company_name: z.string().min(1).max(300),
  company_number: z.string().regex(/^[A-Z0-9]{8}$/),
  company_status: z.string().max(MAX_FIELD).optional(),
  type: z.string().max(MAX_FIELD).optional(),
  date_of_creation: z.iso.date().optional(),
  date_of_cessation: z.iso.date().optional(),
  jurisdiction: z.string().max(MAX_FIELD).optional(),
  sic_codes: z.array(z.string().max(10)).max(MAX_SIC_CODES).optional(),
  registered_office_address: addressSchema.optional(),
  accounts: z
    .object({
      next_due: z.iso.date(),
      overdue: z.boolean(),
      last_accounts: z.object({ made_up_to: z.iso.date() }).partial(),
    })
    .partial()
    .optional(),
  confirmation_statement: z
    .object({ next_due: z.iso.date(), overdue: z.boolean(), last_made_up_to: z.iso.date() })
    .partial()
    .optional(),
  has_charges: z.boolean().optional(),
  has_insolvency_history: z.boolean().optional(),
  links: z
    .object({ self: z.string().max(MAX_FIELD) })
    .partial()
    .optional(),
});
export type Profile = z.infer<typeof profileSchema>;

export const officersSchema = z.object({
  items: z
    .array(
      z.object({
        name: z.string().min(1).max(MAX_FIELD),
        officer_role: z.string().max(MAX_FIELD).optional(),
        appointed_on: z.string().max(MAX_FIELD).optional(),
        resigned_on: z.string().max(MAX_FIELD).optional(),
        links: z
          .object({
            officer: z
              .object({ appointments: z.string().max(MAX_FIELD) })
              .partial()
              .optional(),
          })
          .partial()
          .optional(),
      }),
    )
    .max(MAX_OFFICERS)
    .default([]),
});
export type Officers = z.infer<typeof officersSchema>;

/** Persons with significant control, one page of up to 100 (the most the API serves at once). */
export const MAX_PSCS = 100;
export const pscsSchema = z.object({
  items: z
    .array(
      z.object({
        kind: z.string().max(MAX_FIELD),
        name: z.string().min(1).max(MAX_FIELD),
        name_elements: z
          .object({
            title: z.string().max(MAX_FIELD),
            forename: z.string().max(MAX_FIELD),
            middle_name: z.string().max(MAX_FIELD),
            surname: z.string().max(MAX_FIELD),
          })
          .partial()
          .optional(),
        natures_of_control: z.array(z.string().max(MAX_FIELD)).max(20).optional(),
        notified_on: z.iso.date().optional(),
        ceased_on: z.iso.date().optional(),
        links: z
          .object({ self: z.string().max(MAX_FIELD) })
          .partial()
          .optional(),
      }),
    )
    .max(MAX_PSCS)
    .default([]),
});
export type Pscs = z.infer<typeof pscsSchema>;

/** Counts only: the charges themselves (lenders, amounts) are not kept. */
export const chargesSchema = z.object({
  total_count: z.number().int().min(0).max(1_000_000).default(0),
  satisfied_count: z.number().int().min(0).max(1_000_000).default(0),
});
export type Charges = z.infer<typeof chargesSchema>;

/** Insolvency cases: their type and number only (practitioners are people, and not needed). */
export const insolvencySchema = z.object({
  cases: z
    .array(z.object({ type: z.string().max(MAX_FIELD), number: z.coerce.number().int().min(0).optional() }))
    .max(100)
    .default([]),
});
export type Insolvency = z.infer<typeof insolvencySchema>;

/** The latest accounts filing (the list is asked for newest first, one item). */
export const filingHistorySchema = z.object({
  items: z
    .array(z.object({ date: z.iso.date(), category: z.string().max(MAX_FIELD).optional() }))
    .max(100)
    .default([]),
});
export type FilingHistory = z.infer<typeof filingHistorySchema>;

/** Individuals among PSCs are people (personal data, kept as contacts); the rest are legal entities. */
const INDIVIDUAL_PSC = /^individual-/;

/** Where a PSC is referred to by Companies House: its own link, or its name where it has none. */
export const pscRef = (psc: Pscs["items"][number]) => psc.links?.self ?? `psc:${psc.name}`;

/** Individual PSCs still in control, as contacts (like officers: lawful basis and provenance added in SQL). */
export function pscContacts(pscs: Pscs, baseUrl: string) {
  return pscs.items
    .filter((psc) => !psc.ceased_on && INDIVIDUAL_PSC.test(psc.kind))
    .map((psc) => {
      const e = psc.name_elements;
      const name = e?.surname ? [e.forename, e.middle_name, e.surname].filter(Boolean).join(" ") : psc.name;
      return {
        name,
        job_title: "person with significant control",
        source_ref: pscRef(psc),
        source_url: psc.links?.self ? `${baseUrl}${psc.links.self}` : null,
      };
    });
}

/** An officer as a contact: names come as "SURNAME, Forenames". Resigned officers are left out. */
export function officerContacts(officers: Officers, baseUrl: string) {
  return officers.items
    .filter((officer) => !officer.resigned_on)
    .map((officer) => {
      const [surname, forenames] = officer.name.split(",").map((part) => part.trim());
      const surnameCased = surname ? surname.charAt(0) + surname.slice(1).toLowerCase() : "";
      const appointments = officer.links?.officer?.appointments ?? null;
      return {
        name: forenames ? `${forenames} ${surnameCased}` : officer.name,
        job_title: officer.officer_role ? officer.officer_role.replace(/-/g, " ") : null,
        source_ref: officerRef(officer),
        source_url: appointments ? `${baseUrl}${appointments}` : null,
      };
    });
}

/** Where an officer is referred to by Companies House: their appointments link, or their name. */
export const officerRef = (officer: Officers["items"][number]) =>
  officer.links?.officer?.appointments ?? `officer:${officer.name}`;

/** Upper-cased postcode without spaces, for prefix filters. */
export const compactPostcode = (postcode: string | undefined) => postcode?.toUpperCase().replace(/\s+/g, "") ?? null;
