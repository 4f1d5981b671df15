import type { Context } from "hono";

/**
 * Sets headers on the response a handler has already produced, in place. Hono's `c.header()`
 * after the handler copies the whole Response (and every header set so far) on each call, which
 * made the nine headers added to every response nine copies of it. A response of our own has
 * mutable headers; one fetched from elsewhere (the static assets behind /docs) does not, and is
 * copied once, by Hono, for the first header.
 */
export function setResponseHeaders(
  c: Context,
  headers: Iterable<readonly [string, string]>,
  { append = false }: { append?: boolean } = {},
): void {
  let target = c.res.headers;
  let copied = false;
  for (const [name, value] of headers) {
    try {
      if (append) target.append(name, value);
      else target.set(name, value);
    } catch (error) {
      if (copied || !(error instanceof TypeError)) throw error; // not the immutable-headers case
      c.header(name, value, { append });
      target = c.res.headers;
      copied = true;
    }
  }
}
