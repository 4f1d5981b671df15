import { z } from "zod";

/** A registered office as Companies House describes it (and as the API shows it). */
export const addressSchema = z.object({
  care_of: z.string().optional(),
  po_box: z.string().optional(),
  premises: z.string().optional(),
  address_line_1: z.string().optional(),
  address_line_2: z.string().optional(),
  locality: z.string().optional(),
  region: z.string().optional(),
  postal_code: z.string().optional(),
  country: z.string().optional(),
});

/** The parts of Companies House responses we use; anything else they send is ignored. */
export const profileSchema = z.object({
  company_name: z.string().min(1).max(300),
  company_number: z.string().regex(/^[A-Z0-9]{8}$/),
  company_status: z.string().optional(),
  type: z.string().optional(),
  date_of_creation: z.iso.date().optional(),
  date_of_cessation: z.iso.date().optional(),
  jurisdiction: z.string().optional(),
  sic_codes: z.array(z.string()).optional(),
  registered_office_address: addressSchema.optional(),
  links: z.object({ self: z.string() }).partial().optional(),
});
export type Profile = z.infer<typeof profileSchema>;

export const officersSchema = z.object({
  items: z
    .array(
      z.object({
        name: z.string().min(1),
        officer_role: z.string().optional(),
        appointed_on: z.string().optional(),
        resigned_on: z.string().optional(),
        links: z
          .object({ officer: z.object({ appointments: z.string() }).partial().optional() })
          .partial()
          .optional(),
      }),
    )
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
