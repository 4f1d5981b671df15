import { z } from "@hono/zod-openapi";
import { timestampSchema } from "../../http/timestamps";
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
    events_days: days("events_days"),
  })
  .strict()
  .openapi("RetentionUpdate");

// Every setting's days lie between 1 and the largest maximum of RETENTION_SETTINGS.
const MAX_RETENTION_DAYS = Math.max(...Object.values(RETENTION_SETTINGS).map((setting) => setting.max));
const dayCount = z.number().int().min(1).max(MAX_RETENTION_DAYS);
const settingSchema = z.object({
  days: dayCount,
  default: dayCount,
  min: dayCount,
  max: dayCount,
  customised: z.boolean(),
});

export const retentionSchema = z
  .object({
    settings: z.object({
      deleted_records_days: settingSchema,
      scrape_results_days: settingSchema,
      scrape_jobs_days: settingSchema,
      audit_log_days: settingSchema,
      events_days: settingSchema,
    }),
    updated_at: timestampSchema.nullable(),
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
