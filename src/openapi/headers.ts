import type { HeaderObject } from "openapi3-ts/oas31";
import { IDEMPOTENCY_KEY_TTL_HOURS } from "../http/idempotency";
import { REQUEST_ID_HEADER } from "../middleware/request-id";

/**
 * The response headers the API sends, as reusable OpenAPI components (`#/components/headers/…`).
 * Routes name the ones they set themselves (ETag, Location) with `responseHeaders(...)`; the
 * cross-cutting ones are added to every operation they apply to by `applyConventions`.
 */
export const RESPONSE_HEADERS = {
  [REQUEST_ID_HEADER]: {
    description: "The request's id: yours when you sent a well-formed `X-Request-Id`, else a new UUID. Quote it.",
    schema: { type: "string", minLength: 8, maxLength: 128, pattern: "^[A-Za-z0-9._:-]{8,128}$" },
  },
  "RateLimit-Policy": {
    description:
      'The bucket this request was counted in (IETF httpapi ratelimit-headers): `"<policy>";q=<burst>;w=<seconds to refill>`.',
    schema: { type: "string", maxLength: 100, example: '"pro";q=300;w=15' },
  },
  RateLimit: {
    description: 'What is left in that bucket: `"<policy>";r=<remaining>;t=<seconds until full>`.',
    schema: { type: "string", maxLength: 100, example: '"pro";r=299;t=1' },
  },
  "Retry-After": {
    description: "Seconds to wait before retrying.",
    schema: { type: "integer", format: "int32", minimum: 0, maximum: 2_147_483_647 },
  },
  "Access-Control-Allow-Origin": {
    description: "Sent when the request's `Origin` is one of the deployment's CORS_ORIGINS (never `*`).",
    schema: { type: "string", format: "uri", maxLength: 2048 },
  },
  ETag: {
    description: "The resource's version as a strong entity tag; send it back in `If-Match` (or `If-None-Match`).",
    schema: { type: "string", maxLength: 64, pattern: '^"[0-9a-f-]{36}\\.\\d+"$' },
  },
  Location: {
    description: "Where the created resource lives.",
    schema: { type: "string", format: "uri-reference", maxLength: 200 },
  },
  "Idempotent-Replayed": {
    description: `\`true\` when this is the stored answer to an earlier request with the same Idempotency-Key (kept ${IDEMPOTENCY_KEY_TTL_HOURS} h).`,
    schema: { type: "string", enum: ["true"] },
  },
} as const satisfies Record<string, HeaderObject>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

export const headerRef = (name: ResponseHeaderName) => ({ $ref: `#/components/headers/${name}` });

/** A response's `headers` member naming the given components. */
export function responseHeaders(...names: ResponseHeaderName[]) {
  return Object.fromEntries(names.map((name) => [name, headerRef(name)]));
}
