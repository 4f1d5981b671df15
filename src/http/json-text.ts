import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * A response whose JSON body is already text (written by Postgres), typed as the body the route
 * declares, with the Content-Type `c.json` would give it.
 */
export function jsonText<Body, Status extends ContentfulStatusCode>(
  c: Context,
  text: string,
  status: Status,
): Response & TypedResponse<Body, Status, "json"> {
  // The route's schema is the contract; the text is checked against it by the routes' tests.
  return c.body(text, status, { "Content-Type": "application/json" }) as unknown as Response &
    TypedResponse<Body, Status, "json">;
}
