import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { type StripeClient, stripeClient } from "./stripe-client";

/** The request's Stripe client; a 503 problem when billing is not configured on this service. */
export function stripeOf(c: Context<AppEnv>): StripeClient {
  const { STRIPE_SECRET_KEY, STRIPE_API_URL } = c.var.config;
  if (!STRIPE_SECRET_KEY) throw new ApiError("unavailable", "Billing is not configured on this service.");
  return stripeClient({ apiUrl: STRIPE_API_URL, secretKey: STRIPE_SECRET_KEY });
}

/** The Stripe price that sells `plan` (STRIPE_PRICE_PLANS read backwards), if any. */
export function priceOf(pricePlans: Record<string, string>, plan: string): string | undefined {
  return Object.entries(pricePlans).find(([, planId]) => planId === plan)?.[0];
}
