import { z } from "@hono/zod-openapi";
import { METRICS, PLAN_ID_PATTERN } from "../../billing/catalogue";

export const planIdSchema = z
  .string()
  .max(40)
  .regex(new RegExp(PLAN_ID_PATTERN))
  .openapi({ example: "pro", description: "A plan id (`free`, `pro`, `enterprise`, or one added later)" });

export const metricSchema = z.enum(METRICS).openapi({ description: "A metered action" });

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const planSchema = z
  .object({
    id: planIdSchema,
    name: z.string().max(200),
    description: z.string().max(2000),
    rate_limit: z.object({
      per_minute: z.number().int().min(1).max(1_000_000),
      burst: z.number().int().min(1).max(1_000_000),
    }),
    seat_limit: z.number().int().min(1).max(1_000_000).nullable().openapi({ description: "Null: unlimited" }),
    quotas: z
      .partialRecord(metricSchema, count)
      .openapi({ description: "Monthly quota per metered action (calendar month, UTC); absent: no quota" }),
    modules: z.array(z.string().max(100)).max(100),
    price: z
      .object({
        amount: count.openapi({ description: "Minor units (pence)" }),
        currency: z.string().max(3).openapi({ example: "gbp" }),
        interval: z.enum(["month", "year"]),
      })
      .nullable()
      .openapi({ description: "Display data; null: priced on request. Stripe holds the real price." }),
  })
  .openapi("Plan");

export interface PlanRow extends Record<string, unknown> {
  id: string;
  name: string;
  description: string;
  rate_per_minute: number;
  rate_burst: number;
  seat_limit: number | null;
  quotas: Record<string, number>;
  modules: string[];
  price_amount: number | null;
  price_currency: string | null;
  price_interval: "month" | "year" | null;
}

export function planBody(row: PlanRow): z.infer<typeof planSchema> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rate_limit: { per_minute: Number(row.rate_per_minute), burst: Number(row.rate_burst) },
    seat_limit: row.seat_limit === null ? null : Number(row.seat_limit),
    quotas: Object.fromEntries(
      Object.entries(row.quotas).filter(([metric]) => (METRICS as readonly string[]).includes(metric)),
    ),
    modules: row.modules,
    price:
      row.price_amount === null || row.price_currency === null || row.price_interval === null
        ? null
        : { amount: Number(row.price_amount), currency: row.price_currency, interval: row.price_interval },
  };
}
