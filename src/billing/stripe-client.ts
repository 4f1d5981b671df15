import { ApiError } from "../errors/api-error";

/**
 * The few Stripe API calls the Worker makes, over fetch (form-encoded, as Stripe's API takes
 * them). Our own rather than the `stripe` package, which would add far more to the bundle than
 * these calls need. Stripe unreachable or failing (network, 5xx, 429): 503; refusing the request
 * (other 4xx): 502, since the request was ours, not the caller's.
 */
export interface StripeClient {
  createCheckoutSession(params: FormParams): Promise<{ id: string; url: string }>;
  createPortalSession(params: FormParams): Promise<{ id: string; url: string }>;
  /** `identifier` makes a resent event harmless: Stripe keeps the first with that identifier. */
  createMeterEvent(params: FormParams): Promise<{ identifier: string }>;
}

export type FormParams = { [key: string]: string | number | boolean | FormParams | FormParams[] | undefined };

/** `{a: {b: 1}, items: [{price: "p"}]}` → `a[b]=1&items[0][price]=p` (Stripe's form encoding). */
export function formEncode(params: FormParams, prefix = ""): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const name = prefix ? `${prefix}[${key}]` : key;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        parts.push(formEncode(item, `${name}[${index}]`));
      });
    } else if (typeof value === "object") {
      parts.push(formEncode(value, name));
    } else {
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.filter((part) => part.length > 0).join("&");
}

const TIMEOUT_MS = 10_000;

export function stripeClient(options: { apiUrl: string; secretKey: string }): StripeClient {
  const post = async <T>(path: string, params: FormParams, idempotencyKey?: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${options.apiUrl.replace(/\/$/, "")}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.secretKey}`,
          "content-type": "application/x-www-form-urlencoded",
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
        },
        body: formEncode(params),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError("unavailable", "Stripe could not be reached; retry shortly.", {
        cause: error,
        headers: { "retry-after": "5" },
      });
    }
    const body = (await response.json().catch(() => ({}))) as T & { error?: { message?: string; type?: string } };
    if (response.status >= 500 || response.status === 429) {
      throw new ApiError("unavailable", "Stripe is unavailable; retry shortly.", { headers: { "retry-after": "5" } });
    }
    if (!response.ok) {
      throw new ApiError("bad_gateway", `Stripe refused the request: ${body.error?.message ?? response.status}`);
    }
    return body;
  };
  return {
    createCheckoutSession: (params) => post("/v1/checkout/sessions", params),
    createPortalSession: (params) => post("/v1/billing_portal/sessions", params),
    createMeterEvent: (params) => post("/v1/billing/meter_events", params, String(params.identifier)),
  };
}
