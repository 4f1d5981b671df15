import { ScrapeError } from "./scrape-error";

export interface NetworkPolicy {
  /** Loopback, private ranges and non-default ports: only for tests and `npm run dev`. */
  allowPrivateNetworks: boolean;
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "", "https:": "" };

/** Cloud metadata services: never reachable, whatever the policy says. */
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data"]);

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

/** Link-local (169.254/16, which holds the metadata endpoints) and "this network" (0/8). */
function alwaysBlockedV4([a, b]: number[]): boolean {
  return a === 0 || (a === 169 && b === 254);
}

/** RFC 1918, loopback, CGNAT, benchmarking, multicast and reserved ranges. */
function privateV4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function privateV6(host: string): { always: boolean; private: boolean } {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d, which URL parsing turns into ::ffff:xxxx:xxxx).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped?.[1] && mapped[2]) {
    const high = Number.parseInt(mapped[1], 16);
    const low = Number.parseInt(mapped[2], 16);
    const v4 = [high >> 8, high & 255, low >> 8, low & 255];
    return { always: alwaysBlockedV4(v4), private: privateV4(v4) };
  }
  const always = /^fe[89ab]/.test(h) || h === "fd00:ec2::254";
  return { always, private: always || h === "::1" || h === "::" || /^f[cd]/.test(h) || /^ff/.test(h) };
}

/**
 * Refuses URLs a scrape must never fetch (SSRF): other schemes, credentials in the URL, metadata
 * and link-local addresses always; loopback, private ranges, `localhost` names and non-default
 * ports unless the policy allows private networks. Applied to every URL, redirects included.
 * Workers cannot resolve names themselves; Cloudflare's own egress does not reach private
 * networks, so names are checked as written and addresses as literals.
 */
export function assertFetchable(url: URL, policy: NetworkPolicy): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ScrapeError("unsupported_url", `Only http and https URLs are fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new ScrapeError("unsupported_url", "URLs with credentials are not fetched");
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const refuse = (why: string) => {
    throw new ScrapeError("blocked_address", `${host} is ${why}`);
  };
  const v4 = ipv4(host);
  const v6 = host.startsWith("[") ? privateV6(host) : null;
  if (METADATA_HOSTS.has(host) || (v4 && alwaysBlockedV4(v4)) || v6?.always) refuse("a link-local or metadata address");
  if (policy.allowPrivateNetworks) return;
  if ((v4 && privateV4(v4)) || v6?.private) refuse("a private or loopback address");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) {
    refuse("a local name");
  }
  if (v4 === null && v6 === null && !host.includes(".")) refuse("not a public host name");
  if (url.port !== (DEFAULT_PORTS[url.protocol] ?? "")) refuse(`on port ${url.port}, not the default`);
}
