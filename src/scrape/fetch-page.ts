import { assertFetchable, fetchableUrl, type NetworkPolicy } from "./network-guard";
import { ScrapeError } from "./scrape-error";

export interface FetchOptions extends NetworkPolicy {
  userAgent: string;
  timeoutMs: number;
  /** Bytes of body read at most; the rest is never downloaded. */
  maxBytes: number;
  maxRedirects?: number;
  accept?: string;
}

/**
 * Asked before every request (redirect hops included): waits until the request may go and
 * returns what to call once it is over (response read or abandoned). Where per-host politeness
 * and robots.txt are enforced.
 */
export type HopGate = (url: URL) => Promise<() => Promise<void>>;

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

/**
 * A stream that stops after `max` bytes and cancels the rest of the download; `done` runs once,
 * when the body has been read, cut or abandoned.
 */
function capped(body: ReadableStream<Uint8Array> | null, max: number, done: () => Promise<void>) {
  let read = 0;
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    await done();
  };
  const reader = body?.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = reader ? await reader.read() : { done: true as const, value: undefined };
        if (next.done) {
          controller.close();
          return finish();
        }
        const room = max - read;
        const chunk = next.value.byteLength > room ? next.value.subarray(0, room) : next.value;
        read += chunk.byteLength;
        controller.enqueue(chunk);
        if (read >= max) {
          controller.close();
          await reader?.cancel().catch(() => {});
          await finish();
        }
      } catch (error) {
        await finish();
        throw error;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason).catch(() => {});
      await finish();
    },
  });
  return { stream, bytesRead: () => read };
}

/** The runtime's words stay in `cause` (its text, such as `internal error; reference = …`, is no sentence for a tenant). */
function classifyNetworkError(error: unknown, url: URL): ScrapeError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ScrapeError("timeout", `${url.host} did not answer in time`, true, undefined, error);
  }
  if (/dns|name not resolved|ENOTFOUND|getaddrinfo|no such host/i.test(message)) {
    return new ScrapeError("dns_failure", `${url.host} does not resolve`, false, undefined, error);
  }
  return new ScrapeError("network_error", `${url.host} could not be reached`, true, undefined, error);
}

/** The site's Retry-After, in seconds from now (RFC 9110 10.2.3: seconds or an HTTP date). */
export function retryAfterSeconds(page: Pick<FetchedPage, "headers">): number | undefined {
  const value = page.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/**
 * GET one URL the way a polite crawler does: our user agent, a timeout for the whole exchange,
 * redirects followed by hand (at most 5; each hop is parsed and checked by the network guard
 * before anything is sent to it, robots.txt and the host's turn included) and a capped body.
 */
export async function fetchPage(start: URL, options: FetchOptions, gate?: HopGate): Promise<FetchedPage> {
  const maxRedirects = options.maxRedirects ?? 5;
  let url = start;
  assertFetchable(url, options);
  for (let hop = 0; ; hop++) {
    const release = gate ? await gate(url) : async () => {};
    let response: Response;
    try {
      // The timeout starts when the request may go, not while it waits for its turn.
      response = await fetch(url, {
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: { "user-agent": options.userAgent, accept: options.accept ?? "text/html,*/*;q=0.5" },
      });
    } catch (error) {
      await release();
      throw classifyNetworkError(error, url);
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      await release();
      if (hop >= maxRedirects)
        throw new ScrapeError("too_many_redirects", `More than ${maxRedirects} redirects from ${start.href}`);
      url = fetchableUrl(location, options, url);
      continue;
    }
    const { stream, bytesRead } = capped(response.body, options.maxBytes, release);
    return { url, status: response.status, headers: response.headers, body: stream, bytesRead };
  }
}

/** Reads a capped body as text (robots.txt). */
export async function readText(page: FetchedPage): Promise<string> {
  return new Response(page.body).text();
}
