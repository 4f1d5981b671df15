import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_STRIPE_KEY = "sk_test_fake_detecktiv";
/** A customer id for which the fake answers 500 (Stripe failing). */
export const FAILING_CUSTOMER = "cus_fails";
/** A customer for which the fake records a meter event, then answers 500 the first time (the answer is lost). */
export const LOST_ANSWER_CUSTOMER = "cus_lost_answer";

/**
 * A local stand-in for the few Stripe API endpoints the Worker calls: form-encoded bodies, Bearer
 * auth with the secret key, Stripe's error shape (`{error: {type, message}}`), and meter events
 * deduplicated by `identifier` as Stripe does. `GET /__requests` lists what it received.
 */
export async function startFakeStripe() {
  const received: { path: string; form: Record<string, string> }[] = [];
  const meterEvents = new Map<string, Record<string, string>>();
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/__requests")
      return send(200, { received, meterEvents: [...meterEvents.values()] });
    let raw = "";
    req.on("data", (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${FAKE_STRIPE_KEY}`) {
        return send(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
      }
      if (req.headers["content-type"] !== "application/x-www-form-urlencoded") {
        return send(400, { error: { type: "invalid_request_error", message: "form-encoded bodies only" } });
      }
      const form = Object.fromEntries(new URLSearchParams(raw));
      received.push({ path: url.pathname, form });
      if (form.customer === FAILING_CUSTOMER) {
        return send(500, { error: { type: "api_error", message: "Something went wrong on Stripe's end." } });
      }
      const id = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 12)}`;
      switch (url.pathname) {
        case "/v1/checkout/sessions": {
          if (!form["line_items[0][price]"]) {
            return send(400, {
              error: { type: "invalid_request_error", message: "Missing line_items", param: "line_items" },
            });
          }
          const session = id("cs_test");
          return send(200, {
            id: session,
            object: "checkout.session",
            url: `https://checkout.stripe.test/c/pay/${session}`,
            mode: form.mode,
            metadata: { tenant_id: form["metadata[tenant_id]"] },
          });
        }
        case "/v1/billing_portal/sessions": {
          const session = id("bps_test");
          return send(200, {
            id: session,
            object: "billing_portal.session",
            customer: form.customer,
            url: `https://billing.stripe.test/p/session/${session}`,
          });
        }
        case "/v1/billing/meter_events": {
          const identifier = form.identifier ?? id("mev");
          const first = !meterEvents.has(identifier);
          if (first) meterEvents.set(identifier, form);
          if (first && form["payload[stripe_customer_id]"] === LOST_ANSWER_CUSTOMER) {
            return send(500, { error: { type: "api_error", message: "Something went wrong on Stripe's end." } });
          }
          return send(200, {
            object: "billing.meter_event",
            identifier,
            event_name: form.event_name,
            payload: { stripe_customer_id: form["payload[stripe_customer_id]"], value: form["payload[value]"] },
          });
        }
        default:
          return send(404, {
            error: { type: "invalid_request_error", message: `Unrecognized request URL (POST: ${url.pathname})` },
          });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
