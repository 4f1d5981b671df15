import { z } from "@hono/zod-openapi";
import { RETENTION_SETTINGS, type RetentionSetting } from "../../privacy/retention";

const days = (name: RetentionSetting) => {
  const { min, max, label, default: fallback } = RETENTION_SETTINGS[name];
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .nullable()
    .optional()
    .openapi({ description: `Days to keep ${label} (${min}-${max}; null: the default, ${fallback})` });
};

export const retentionUpdateSchema = z
  .object({
    deleted_records_days: days("deleted_records_days"),
    scrape_results_days: days("scrape_results_days"),
    scrape_jobs_days: days("scrape_jobs_days"),
    audit_log_days: days("audit_log_days"),
  })
  .strict()
  .openapi("RetentionUpdate");

const settingSchema = z.object({
  days: z.number().int(),
  default: z.number().int(),
  min: z.number().int(),
  max: z.number().int(),
  customised: z.boolean(),
});

export const retentionSchema = z
  .object({
    settings: z.object({
      deleted_records_days: settingSchema,
      scrape_results_days: settingSchema,
      scrape_jobs_days: settingSchema,
      audit_log_days: settingSchema,
    }),
    updated_at: z.iso.datetime().nullable(),
  })
  .openapi("RetentionPolicy");

/** Who a data-subject request is about: a work email, or one contact record. */
export const subjectSchema = z
  .union([
    z
      .object({
        email: z
          .email()
          .max(320)
          .transform((value) => value.trim().toLowerCase()),
      })
      .strict(),
    z.object({ contact_id: z.uuid() }).strict(),
  ])
  .openapi("DataSubject", { description: "Either `email` or `contact_id`" });

export type Subject = z.output<typeof subjectSchema>;
