import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { StripeSignatureError, verifyStripeSignature } from "../../billing/stripe-signature";
import { type AppliedEvent, subscriptionChanged } from "../../billing/subscription-changed";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";

const eventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().positive(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export const stripeWebhookRoute = createRoute({
  method: "post",
  path: "/webhooks/stripe",
  operationId: "receiveStripeWebhook",
  tags: ["Billing"],
  summary: "Stripe's events",
  description:
    "For Stripe only: the raw body must carry a valid `Stripe-Signature` (HMAC-SHA256 with STRIPE_WEBHOOK_SECRET, " +
    "timestamp within STRIPE_WEBHOOK_TOLERANCE_S; any of several `v1` signatures may match during a secret roll). " +
    "A bad or stale signature is a 400 and changes nothing. Each event id is applied once; subscription and invoice " +
    "state is only replaced by a newer event, so duplicates and out-of-order deliveries are harmless. Handles " +
    "`checkout.session.completed`, `customer.subscription.created|updated|deleted` and `invoice.*`; others are " +
    "acknowledged and ignored. Absent when STRIPE_WEBHOOK_SECRET is not set.",
  security: [{ stripeSignature: [] }],
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.record(z.string(), z.unknown()).openapi("StripeEvent") } },
    },
  },
  responses: {
    200: {
      description: "Received (applied, a duplicate, stale, or ignored)",
      content: {
        "application/json": {
          schema: z.object({ received: z.literal(true), outcome: z.string().max(40) }).openapi("StripeWebhookReceipt"),
        },
      },
    },
    ...problemResponses(400, 404, 503),
  },
});

/** The Stripe price of a subscription event's first item (the plan it sells). */
function priceIdOf(object: Record<string, unknown>): string | undefined {
  const items = object.items as { data?: { price?: { id?: unknown } }[] } | undefined;
  const id = items?.data?.[0]?.price?.id;
  return typeof id === "string" ? id : undefined;
}

export const stripeWebhook = new OpenAPIHono<AppEnv>().openapi(stripeWebhookRoute, async (c) => {
  const { STRIPE_WEBHOOK_SECRET, STRIPE_WEBHOOK_TOLERANCE_S, STRIPE_PRICE_PLANS, BILLING_GRACE_DAYS } = c.var.config;
  if (!STRIPE_WEBHOOK_SECRET) throw new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`);
  // The signature covers the raw bytes: read them before anything parses the body.
  const raw = await c.req.text();
  try {
    await verifyStripeSignature(
      raw,
      c.req.header("stripe-signature"),
      STRIPE_WEBHOOK_SECRET,
      STRIPE_WEBHOOK_TOLERANCE_S,
    );
  } catch (error) {
    if (!(error instanceof StripeSignatureError)) throw error;
    const why = { malformed: "missing or malformed", stale: "too old (or from the future)", mismatch: "not valid" };
    throw new ApiError("bad_request", `The Stripe-Signature header is ${why[error.reason]}.`, { cause: error });
  }
  const parsed = eventSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new ApiError("bad_request", "The body is not a Stripe event.");
  const event = parsed.data;
  const price = priceIdOf(event.data.object);
  const plan = price ? (STRIPE_PRICE_PLANS[price] ?? null) : null;
  const database = c.var.database;
  const { db } = database;
  const [, applied] = await db.batch([
    db.execute(await database.begin({ kind: "worker", request_id: c.var.requestId })),
    db.execute<AppliedEvent>(sql`select * from app.apply_stripe_event(${event.id}, ${event.type},
        ${event.created}, ${JSON.stringify(event.data.object)}::jsonb, ${plan}, ${BILLING_GRACE_DAYS * 86_400})`),
  ]);
  const [result] = applied.rows;
  if (!result) throw new Error("app.apply_stripe_event returned no row");
  c.var.logger.info("stripe event", { event_id: event.id, event_type: event.type, outcome: result.outcome });
  await subscriptionChanged(c, result);
  return c.json({ received: true as const, outcome: result.outcome }, 200);
});
