import { z } from "@hono/zod-openapi";
import { FLAG_ATTRIBUTES } from "../../db/schema/feature-flags";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { planIdSchema } from "../plans/schemas";
import { sectorSchema } from "../tenants/schemas";

export const FLAG_REASONS = ["override", "targeting", "rollout", "default"] as const;

export const flagKeySchema = z
  .string()
  .max(63)
  .regex(/^[a-z][a-z0-9_.-]{0,62}$/, "a lower-case key: letters, digits, `_`, `.` and `-`, starting with a letter")
  .openapi({ example: "new_company_list" });

export const flagKeyParams = z.object({ key: flagKeySchema.openapi({ param: { name: "key", in: "path" } }) });

/** What a flag serves: a switch, a number, a short string or a small JSON object. */
export const flagValueSchema = z
  .union([z.boolean(), z.number(), z.string().max(1000), z.record(z.string().max(100), z.unknown())])
  .openapi("FlagValue", { example: true });

const rolloutSchema = z
  .number()
  .min(0)
  .max(100)
  .openapi({
    description:
      "Percentage of targeted tenants that get `value` (two decimals). A tenant is in when the first 32 bits of " +
      "md5(`key:tenant_id`) mod 10000 are under percentage × 100: stable, and a tenant in at 25 stays in at 50.",
    example: 25,
  });

const targetPlansSchema = z
  .array(planIdSchema)
  .max(20)
  .openapi({ description: "Plans (in force) the flag targets; empty: every plan" });

const targetAttributesSchema = z.partialRecord(z.enum(FLAG_ATTRIBUTES), z.array(sectorSchema).min(1).max(50)).openapi({
  description: "Tenant attributes the flag targets, each with the values that match; empty: every tenant",
  example: { sector: ["it_services", "telecoms"] },
});

export const createFlagBodySchema = z
  .object({
    key: flagKeySchema,
    description: z.string().max(500).optional(),
    default_value: flagValueSchema
      .optional()
      .openapi({ description: "Served outside the targeting or rollout (default false)" }),
    value: flagValueSchema
      .optional()
      .openapi({ description: "Served to targeted tenants in the rollout (default true)" }),
    rollout_percentage: rolloutSchema.optional(),
    target_plans: targetPlansSchema.optional(),
    target_attributes: targetAttributesSchema.optional(),
  })
  .strict()
  .openapi("CreateFeatureFlag");

export const updateFlagBodySchema = createFlagBodySchema
  .omit({ key: true })
  .strict()
  .refine((body) => Object.values(body).some((v) => v !== undefined), "give at least one field to change")
  .openapi("UpdateFeatureFlag");

export const flagOverrideSchema = z.object({
  tenant_id: z.uuid(),
  value: flagValueSchema,
  reason: z.string().max(500),
  updated_at: timestampSchema,
});

export const featureFlagSchema = z
  .object({
    key: flagKeySchema,
    description: z.string().max(500),
    default_value: flagValueSchema,
    value: flagValueSchema,
    rollout_percentage: z.number().min(0).max(100),
    target_plans: z.array(planIdSchema).max(20),
    target_attributes: targetAttributesSchema,
    created_at: timestampSchema,
    updated_at: timestampSchema,
    overrides: z.array(flagOverrideSchema).max(100_000),
  })
  .openapi("FeatureFlag");

export type FeatureFlagBody = z.infer<typeof featureFlagSchema>;

/** A flag as app.operator_flag_json builds it (jsonb timestamps), made ISO 8601. */
export function featureFlagBody(row: FeatureFlagBody): FeatureFlagBody {
  return {
    ...row,
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
    overrides: row.overrides.map((o) => ({ ...o, updated_at: isoTimestamp(o.updated_at) })),
  };
}

/** One flag as evaluated for a tenant (app.evaluate_flags). */
export const evaluatedFlagSchema = z
  .object({
    key: flagKeySchema,
    value: flagValueSchema,
    reason: z.enum(FLAG_REASONS).openapi({
      description:
        "`override`: an operator fixed it for this tenant; `targeting`: the tenant matches a fully rolled-out " +
        "targeted flag; `rollout`: the tenant is in the rollout; `default`: none of these",
    }),
    description: z.string().max(500),
  })
  .openapi("EvaluatedFeatureFlag");

export type EvaluatedFlag = z.infer<typeof evaluatedFlagSchema>;
