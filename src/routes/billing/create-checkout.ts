import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { priceOf, stripeOf } from "../../billing/stripe-service";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { planIdSchema } from "../plans/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";

const redirectUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const sessionSchema = z
  .object({ id: z.string().max(255), url: z.url().max(2048).openapi({ description: "Send the user here" }) })
  .openapi("BillingSession");

export const createCheckoutRoute = createRoute({
  method: "post",
  path: "/v1/billing/checkout",
  operationId: "createBillingCheckout",
  tags: ["Billing"],
  summary: "Start a subscription: a Stripe Checkout Session",
  description:
    "Creates a Stripe Checkout Session (subscription mode) for the plan's Stripe price (STRIPE_PRICE_PLANS) and " +
    "returns its URL. The session carries the tenant id in its metadata, so the webhook links the Stripe customer " +
    "to the tenant. A plan without a Stripe price: 422; Stripe unreachable: 503.",
  ...v1Access({ role: "owner", scope: "tenant:write" }),
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ plan: planIdSchema, success_url: redirectUrl, cancel_url: redirectUrl })
            .strict()
            .openapi("CreateCheckout"),
        },
      },
    },
  },
  responses: {
    ...V1_PROBLEMS,
    201: { description: "Created", content: { "application/json": { schema: sessionSchema } } },
    ...problemResponses(422, 502),
  },
});

export const createCheckout = new OpenAPIHono<AppEnv>().openapi(createCheckoutRoute, async (c) => {
  const body = c.req.valid("json");
  const price = priceOf(c.var.config.STRIPE_PRICE_PLANS, body.plan);
  if (!price) {
    throw new ApiError("unprocessable", `The ${body.plan} plan cannot be bought online.`, {
      errors: [{ field: "body.plan", message: "no Stripe price for this plan" }],
    });
  }
  const stripe = stripeOf(c);
  const {
    identity,
    results: [found],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ customer: string | null; email: string | null }>(sql`select
        (select stripe_customer_id from subscriptions where tenant_id = app.tenant_id()) as customer,
        (select email from users where id = app.user_id()) as email`),
    db.execute(sql`insert into audit_log (action, target_type, metadata)
      values ('billing.checkout_started', 'subscription', jsonb_build_object('plan', ${body.plan}::text))`),
  ]);
  const tenantId = identity.tenantId;
  if (!tenantId) throw new Error("a tenant route without a tenant");
  const [row] = found.rows;
  const session = await stripe.createCheckoutSession({
    mode: "subscription",
    line_items: [{ price, quantity: 1 }],
    success_url: body.success_url,
    cancel_url: body.cancel_url,
    client_reference_id: tenantId,
    metadata: { tenant_id: tenantId },
    subscription_data: { metadata: { tenant_id: tenantId } },
    ...(row?.customer ? { customer: row.customer } : row?.email ? { customer_email: row.email } : {}),
  });
  return c.json({ id: session.id, url: session.url }, 201);
});
