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
        source_ref: appointments ?? `officer:${officer.name}`,
        source_url: appointments ? `${baseUrl}${appointments}` : null,
      };
    });
}

/** Upper-cased postcode without spaces, for prefix filters. */
export const compactPostcode = (postcode: string | undefined) => postcode?.toUpperCase().replace(/\s+/g, "") ?? null;
