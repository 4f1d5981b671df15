import Stripe from "stripe";
import { describe, expect, inject, it } from "vitest";
import { sessionSchema } from "../../../src/routes/billing/create-checkout";
import { subscriptionSchema } from "../../../src/routes/billing/get-subscription";
import { invoiceSchema } from "../../../src/routes/billing/list-invoices";
import { FAILING_CUSTOMER } from "../../servers/fake-stripe";
import { TEST_STRIPE_WEBHOOK_SECRET } from "../constants";
import { signedIn } from "../factories";
import { call, callWithEnv, problemOf, sendAs, sqlAs } from "../harness";

// The real `stripe` package signs the test events: verification is checked against code no one here wrote.
const stripe = new Stripe("sk_test_unused");
const owner = () => sqlAs("owner");
const now = () => Math.floor(Date.now() / 1000);
let sequence = 0;

type Member = Awaited<ReturnType<typeof signedIn>>;

function event(type: string, object: Record<string, unknown>, created = now()) {
  sequence += 1;
  return { id: `evt_test_${crypto.randomUUID()}`, object: "event", type, created, data: { object }, seq: sequence };
}

async function deliver(body: unknown, options: { secret?: string; timestamp?: number; header?: string } = {}) {
  const payload = JSON.stringify(body);
  const header =
    options.header ??
    (await stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: options.secret ?? TEST_STRIPE_WEBHOOK_SECRET,
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    }));
  return call("/webhooks/stripe", {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": header },
    body: payload,
  });
}

const subscriptionObject = (member: Member, status: string, price = "price_pro_monthly", extra = {}) => ({
  id: `sub_${member.tenant.id.slice(0, 8)}`,
  object: "subscription",
  customer: `cus_${member.tenant.id.slice(0, 8)}`,
  status,
  cancel_at_period_end: false,
  metadata: { tenant_id: member.tenant.id },
  items: {
    data: [{ price: { id: price }, current_period_start: now() - 86_400, current_period_end: now() + 29 * 86_400 }],
  },
  ...extra,
});

const subscriptionOf = async (member: Member) =>
  subscriptionSchema.parse(await (await sendAs(member, "GET", "/v1/tenant/subscription")).json());

describe("POST /webhooks/stripe", () => {
  it("links the customer on checkout.session.completed and applies the subscription; the limiter learns it", async () => {
    const member = await signedIn("owner");
    const checkout = event("checkout.session.completed", {
      id: "cs_test_1",
      object: "checkout.session",
      customer: `cus_${member.tenant.id.slice(0, 8)}`,
      subscription: `sub_${member.tenant.id.slice(0, 8)}`,
      client_reference_id: member.tenant.id,
      metadata: { tenant_id: member.tenant.id },
    });
    const linked = await deliver(checkout);
    expect(linked.status).toBe(200);
    expect(await linked.json()).toEqual({ received: true, outcome: "applied" });
    expect((await deliver(event("customer.subscription.created", subscriptionObject(member, "active")))).status).toBe(
      200,
    );
    expect(await subscriptionOf(member)).toMatchObject({
      plan: "pro",
      subscribed_plan: "pro",
      status: "active",
      billing_account: true,
      cancel_at_period_end: false,
    });
    const usage = (await (await sendAs(member, "GET", "/v1/tenant/usage")).json()) as { plan: string };
    expect(usage.plan).toBe("pro");
  });

  it("processes each event id once: a replayed delivery is a duplicate and changes nothing", async () => {
    const member = await signedIn("owner");
    const created = event("customer.subscription.created", subscriptionObject(member, "active"));
    expect(await (await deliver(created)).json()).toMatchObject({ outcome: "applied" });
    await owner().query("UPDATE subscriptions SET status = 'trialing' WHERE tenant_id = $1", [member.tenant.id]);
    expect(await (await deliver(created)).json()).toMatchObject({ outcome: "duplicate" });
    expect((await subscriptionOf(member)).status).toBe("trialing");
  });

  it("keeps the newest state when events arrive out of order", async () => {
    const member = await signedIn("owner");
    const t = now();
    const newer = event("customer.subscription.updated", subscriptionObject(member, "past_due"), t);
    const older = event("customer.subscription.updated", subscriptionObject(member, "active"), t - 60);
    expect(await (await deliver(newer)).json()).toMatchObject({ outcome: "applied" });
    expect(await (await deliver(older)).json()).toMatchObject({ outcome: "stale" });
    const subscription = await subscriptionOf(member);
    // past_due: the plan is kept through the grace period (BILLING_GRACE_DAYS, 7 by default).
    expect(subscription).toMatchObject({ status: "past_due", plan: "pro" });
    const grace = Date.parse(subscription.grace_ends_at ?? "");
    expect(Math.round((grace - t * 1000) / 86_400_000)).toBe(7);
  });

  it("canceled keeps the plan to the period end; a deleted subscription with it in the past falls to free", async () => {
    const member = await signedIn("owner");
    await deliver(event("customer.subscription.created", subscriptionObject(member, "active"), now() - 10));
    const ended = subscriptionObject(member, "canceled", "price_pro_monthly", {
      items: {
        data: [
          {
            price: { id: "price_pro_monthly" },
            current_period_start: now() - 40 * 86_400,
            current_period_end: now() - 5,
          },
        ],
      },
    });
    expect(await (await deliver(event("customer.subscription.deleted", ended))).json()).toMatchObject({
      outcome: "applied",
    });
    expect(await subscriptionOf(member)).toMatchObject({ status: "canceled", plan: "free", subscribed_plan: "pro" });
  });

  it("refuses a bad signature, a stale one and a missing one with 400, changing nothing", async () => {
    const member = await signedIn("owner");
    const body = event("customer.subscription.created", subscriptionObject(member, "active"));
    const wrong = await deliver(body, { secret: "whsec_someone_else" });
    expect(wrong.status).toBe(400);
    expect((await problemOf(wrong)).detail).toContain("not valid");
    const stale = await deliver(body, { timestamp: now() - 301 });
    expect(stale.status).toBe(400);
    expect((await problemOf(stale)).detail).toContain("too old");
    expect((await deliver(body, { header: "t=1,v2=abc" })).status).toBe(400);
    const events = await owner().query("SELECT id FROM stripe_events WHERE id = $1", [body.id]);
    expect(events).toEqual([]);
    expect((await subscriptionOf(member)).billing_account).toBe(false);
  });

  it("accepts any of several v1 signatures (a secret being rolled)", async () => {
    const member = await signedIn("owner");
    const body = event("customer.subscription.created", subscriptionObject(member, "trialing"));
    const payload = JSON.stringify(body);
    const timestamp = now();
    const sign = (secret: string) => stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp });
    const v1 = (header: string) => header.split(",").find((part) => part.startsWith("v1=")) ?? "";
    const header = `t=${timestamp},${v1(await sign("whsec_old_secret"))},${v1(await sign(TEST_STRIPE_WEBHOOK_SECRET))}`;
    const response = await deliver(body, { header });
    expect(response.status).toBe(200);
    expect((await subscriptionOf(member)).status).toBe("trialing");
  });

  it("stores invoices from invoice.paid and invoice.payment_failed for GET /v1/billing/invoices", async () => {
    const member = await signedIn("owner");
    await deliver(event("customer.subscription.created", subscriptionObject(member, "active")));
    const invoice = (id: string, status: string, paid: number) => ({
      id,
      object: "invoice",
      customer: `cus_${member.tenant.id.slice(0, 8)}`,
      number: `DTK-${id.slice(-4)}`,
      status,
      amount_due: 4900,
      amount_paid: paid,
      currency: "gbp",
      hosted_invoice_url: `https://invoice.stripe.test/${id}`,
      period_start: now() - 86_400,
      period_end: now(),
      created: now() - 100,
    });
    await deliver(event("invoice.paid", invoice("in_test_0001", "paid", 4900)));
    await deliver(event("invoice.payment_failed", invoice("in_test_0002", "open", 0)));
    const response = await sendAs(member, "GET", "/v1/billing/invoices");
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: unknown[] };
    const list = items.map((item) => invoiceSchema.parse(item));
    expect(list.map((i) => [i.number, i.status, i.amount_paid]).sort()).toEqual([
      ["DTK-0001", "paid", 4900],
      ["DTK-0002", "open", 0],
    ]);
    const viewer = await signedIn("viewer", member.tenant);
    expect((await sendAs(viewer, "GET", "/v1/billing/invoices")).status).toBe(403);
  });
});

describe("POST /v1/billing/checkout and /v1/billing/portal", () => {
  const checkoutBody = { plan: "pro", success_url: "https://app.example/ok", cancel_url: "https://app.example/no" };

  it("creates a Checkout Session carrying the tenant id, for the plan's price", async () => {
    const member = await signedIn("owner");
    const response = await sendAs(member, "POST", "/v1/billing/checkout", checkoutBody);
    expect(response.status).toBe(201);
    const session = sessionSchema.parse(await response.json());
    expect(session.url).toContain(session.id);
    const { received } = (await (await fetch(`${inject("stripeUrl")}/__requests`)).json()) as {
      received: { path: string; form: Record<string, string> }[];
    };
    const sent = received.filter((r) => r.form["metadata[tenant_id]"] === member.tenant.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.form).toMatchObject({
      mode: "subscription",
      "line_items[0][price]": "price_pro_monthly",
      client_reference_id: member.tenant.id,
      "subscription_data[metadata][tenant_id]": member.tenant.id,
    });
  });

  it("refuses a plan without a Stripe price (422) and non-owners (403)", async () => {
    const member = await signedIn("owner");
    expect((await sendAs(member, "POST", "/v1/billing/checkout", { ...checkoutBody, plan: "free" })).status).toBe(422);
    const admin = await signedIn("admin", member.tenant);
    expect((await sendAs(admin, "POST", "/v1/billing/checkout", checkoutBody)).status).toBe(403);
  });

  it("answers 503 when Stripe is unreachable", async () => {
    const member = await signedIn("owner");
    const response = await callWithEnv({ STRIPE_API_URL: inject("refusedNeonEndpoint") }, "/v1/billing/checkout", {
      method: "POST",
      headers: { ...member.headers, "content-type": "application/json" },
      body: JSON.stringify(checkoutBody),
    });
    expect(response.status).toBe(503);
    expect((await problemOf(response)).detail).toContain("Stripe");
  });

  it("opens a portal session for a linked customer; 409 without one; 503 when Stripe fails", async () => {
    const member = await signedIn("owner");
    const portal = () => sendAs(member, "POST", "/v1/billing/portal", { return_url: "https://app.example/billing" });
    expect((await portal()).status).toBe(409);
    await owner().query("INSERT INTO subscriptions (tenant_id, stripe_customer_id) VALUES ($1, $2)", [
      member.tenant.id,
      `cus_${crypto.randomUUID().slice(0, 8)}`,
    ]);
    const response = await portal();
    expect(response.status).toBe(201);
    expect(sessionSchema.parse(await response.json()).url).toMatch(/^https:\/\/billing\.stripe\.test\//);
    await owner().query("UPDATE subscriptions SET stripe_customer_id = $2 WHERE tenant_id = $1", [
      member.tenant.id,
      FAILING_CUSTOMER,
    ]);
    expect((await portal()).status).toBe(503);
  });
});
