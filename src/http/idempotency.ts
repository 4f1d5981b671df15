import { z } from "@hono/zod-openapi";
import { sha256Hex } from "../crypto/sha256";

/** How long a key is remembered (published in the API reference and README). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export const idempotencyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: `Retries with the same key and body get the first response for ${IDEMPOTENCY_KEY_TTL_HOURS} h; another body is a 422.`,
    }),
});

/** What identifies a request's payload: method, path and the exact body it sent. */
export function requestFingerprint(method: string, path: string, body: unknown): Promise<string> {
  return sha256Hex(`${method} ${path}\n${JSON.stringify(body)}`);
}
