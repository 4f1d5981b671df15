import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { stripeOf } from "../../billing/stripe-service";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { sessionSchema } from "./create-checkout";

export const createPortalRoute = createRoute({
  method: "post",
  path: "/v1/billing/portal",
  operationId: "createBillingPortalSession",
  tags: ["Billing"],
  summary: "Manage the subscription: a Stripe Customer Portal session",
  description:
    "Returns the URL of a Customer Portal session for the tenant's Stripe customer (change plan, payment method, " +
    "cancel, invoices). A tenant without a Stripe customer yet: 409 (subscribe through checkout first); Stripe " +
    "unreachable: 503.",
  ...v1Access({ role: "owner", scope: "tenant:write" }),
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ return_url: z.url({ protocol: /^https?$/ }).max(2048) })
            .strict()
            .openapi("CreatePortalSession"),
        },
      },
    },
  },
  responses: {
    ...V1_PROBLEMS,
    201: { description: "Created", content: { "application/json": { schema: sessionSchema } } },
    ...problemResponses(409, 502),
  },
});

export const createPortal = new OpenAPIHono<AppEnv>().openapi(createPortalRoute, async (c) => {
  const { return_url } = c.req.valid("json");
  const stripe = stripeOf(c);
  const {
    results: [found],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ customer: string }>(
      sql`select stripe_customer_id as customer from subscriptions
           where tenant_id = app.tenant_id() and stripe_customer_id is not null`,
    ),
  ]);
  const [row] = found.rows;
  if (!row) throw new ApiError("conflict", "The tenant has no billing account yet: subscribe through checkout first.");
  const session = await stripe.createPortalSession({ customer: row.customer, return_url });
  return c.json({ id: session.id, url: session.url }, 201);
});
