import { assertFetchable, type NetworkPolicy } from "./network-guard";
import { ScrapeError } from "./scrape-error";

export interface FetchOptions extends NetworkPolicy {
  userAgent: string;
  timeoutMs: number;
  /** Bytes of body read at most; the rest is never downloaded. */
  maxBytes: number;
  maxRedirects?: number;
  accept?: string;
}

export interface FetchedPage {
  /** After redirects. */
  url: URL;
  status: number;
  headers: Headers;
  /** The body, cut at `maxBytes`. */
  body: ReadableStream<Uint8Array>;
  /** How many bytes were read, known once `body` is consumed. */
  bytesRead: () => number;
}

/** A stream that stops after `max` bytes and cancels the rest of the download. */
function capped(body: ReadableStream<Uint8Array> | null, max: number) {
  let read = 0;
  const reader = body?.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!reader) return controller.close();
      const { done, value } = await reader.read();
      if (done) return controller.close();
      const room = max - read;
      const chunk = value.byteLength > room ? value.subarray(0, room) : value;
      read += chunk.byteLength;
      controller.enqueue(chunk);
      if (read >= max) {
        controller.close();
        await reader.cancel().catch(() => {});
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason).catch(() => {});
    },
  });
  return { stream, bytesRead: () => read };
}

function classifyNetworkError(error: unknown, url: URL): ScrapeError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ScrapeError("timeout", `${url.host} did not answer in time`, true);
  }
  if (/dns|name not resolved|ENOTFOUND|getaddrinfo|no such host/i.test(message)) {
    return new ScrapeError("dns_failure", `${url.host} does not resolve`);
  }
  return new ScrapeError("network_error", `${url.host} could not be reached: ${message}`, true);
}

/**
 * GET one URL the way a polite crawler does: our user agent, a timeout for the whole exchange,
 * redirects followed by hand (at most 5, each hop checked by the network guard) and a capped body.
 */
export async function fetchPage(start: URL, options: FetchOptions): Promise<FetchedPage> {
  const maxRedirects = options.maxRedirects ?? 5;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = start;
  for (let hop = 0; ; hop++) {
    assertFetchable(url, options);
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: "manual",
        signal,
        headers: { "user-agent": options.userAgent, accept: options.accept ?? "text/html,*/*;q=0.5" },
      });
    } catch (error) {
      throw classifyNetworkError(error, url);
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (hop >= maxRedirects)
        throw new ScrapeError("too_many_redirects", `More than ${maxRedirects} redirects from ${start.href}`);
      try {
        url = new URL(location, url);
      } catch {
        throw new ScrapeError("unsupported_url", `Redirect to an invalid URL: ${location.slice(0, 200)}`);
      }
      continue;
    }
    const { stream, bytesRead } = capped(response.body, options.maxBytes);
    return { url, status: response.status, headers: response.headers, body: stream, bytesRead };
  }
}

/** Reads a capped body as text (robots.txt). */
export async function readText(page: FetchedPage): Promise<string> {
  return new Response(page.body).text();
}
