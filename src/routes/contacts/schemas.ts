import { z } from "@hono/zod-openapi";
import { getTableColumns } from "drizzle-orm";
import { CONTACT_SOURCES, contacts, LAWFUL_BASES } from "../../db/schema/contacts";
import { omitColumns, type RowOf, selectList } from "../../db/selection";
import { ApiError } from "../../errors/api-error";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

/** Phone numbers as people write them; stored compact (`+44 20 7946 0000` → `+442079460000`). */
export const phoneSchema = z
  .string()
  .trim()
  .max(40)
  // Published as the schema's pattern: 7 to 15 digits among spaces, brackets and dashes, one leading +.
  .regex(/^\+?[\s().-]*(?:\d[\s().-]*){7,15}$/, "7 to 15 digits; spaces, brackets, dashes and a leading + allowed")
  .transform((value) => value.replace(/[^\d+]/g, ""));

export const contactSchema = z
  .object({
    id: z.uuid(),
    company_id: z.uuid(),
    name: z.string().max(200),
    job_title: z.string().max(200).nullable(),
    email: z.string().max(320).nullable(),
    phone: z.string().max(16).nullable(),
    provenance: z.object({
      lawful_basis: z.enum(LAWFUL_BASES),
      source: z.enum(CONTACT_SOURCES),
      source_url: z.string().max(2048).nullable(),
      source_ref: z.string().max(200).nullable(),
      collected_at: timestampSchema,
    }),
    version: z.number().int().min(1).max(2_147_483_647),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .openapi("Contact");

export type ContactBody = z.infer<typeof contactSchema>;

/** The columns a contact's API body is made of: all but its tenant and deletion time. */
export const contactColumns = omitColumns(getTableColumns(contacts), "tenantId", "deletedAt");

/** A contacts row as raw SQL returns it (column names), e.g. from `to_jsonb(row)`. */
export type ContactRow = RowOf<typeof contactColumns>;

/** The select list of `contactColumns` (timestamps as text). */
export const CONTACT_COLUMNS = selectList(contactColumns);

export function contactBody(row: ContactRow): ContactBody {
  return {
    id: row.id,
    company_id: row.company_id,
    name: row.name,
    job_title: row.job_title,
    email: row.email,
    phone: row.phone,
    provenance: {
      lawful_basis: row.lawful_basis,
      source: row.source,
      source_url: row.source_url,
      source_ref: row.source_ref,
      collected_at: isoTimestamp(row.collected_at),
    },
    version: row.version,
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
  };
}

export const contactIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export const contactFieldsSchema = z.object({
  name: z.string().trim().min(1).max(200),
  job_title: z.string().trim().min(1).max(200).nullable().optional(),
  email: z.email().max(320).toLowerCase().nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  lawful_basis: z.enum(LAWFUL_BASES),
  source_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullable()
    .optional(),
});

export const contactNotFound = () => new ApiError("not_found", "No contact with that id in this tenant.");
