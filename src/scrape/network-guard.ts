import ipaddr from "ipaddr.js";
import { ScrapeError } from "./scrape-error";

export interface NetworkPolicy {
  /**
   * Tests and `npm run dev` only: also reach loopback, RFC 1918 private and IPv6 unique-local
   * addresses (their IPv4-mapped spellings too), local names and non-default ports. Every other
   * special-purpose address stays refused, so the allowance cannot reach metadata services,
   * documentation ranges or the IPv6 forms that carry an IPv4 address.
   */
  allowPrivateNetworks: boolean;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** What an address literal is, as far as a scrape is concerned. */
type Verdict = { kind: "public" } | { kind: "private" | "special"; what: string };

const DEFAULT_PORTS: Record<string, string> = { "http:": "", "https:": "" };

/** Cloud metadata services: never reachable, whatever the policy says. */
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data"]);
/** AWS's IPv6 metadata endpoint sits in unique-local space, which the allowance would open. */
const METADATA_ADDRESSES = [ipaddr.IPv6.parse("fd00:ec2::254")];

/** Names that only mean something on a local network (RFC 6761, RFC 8375, ICANN's `.internal`). */
const LOCAL_SUFFIXES = ["localhost", "local", "internal", "home.arpa", "localdomain"];

/**
 * IANA's IPv6 global unicast allocation. Everything outside it is reserved by the IETF, local or
 * special (IPv4-compatible `::/96`, NAT64 `64:ff9b::/96`, the discard prefixes…).
 */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** The ranges the development allowance opens (names as ipaddr.js classifies them). */
const PRIVATE_RANGES = new Set(["loopback", "private", "uniqueLocal"]);

/** Words for ipaddr.js's range names (it holds the IANA special-purpose registries). */
const RANGE_WORDS: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a shared (carrier-grade NAT) address",
  private: "a private address",
  uniqueLocal: "a unique-local address",
  reserved: "a reserved or documentation address",
  benchmarking: "a benchmarking address",
  as112: "an AS112 address",
  as112v6: "an AS112 address",
  amt: "an AMT address",
  deprecatedSiteLocal: "a site-local address",
  discard: "a discard-only address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
  deprecatedOrchid: "an ORCHID address",
  orchid2: "an ORCHID address",
  droneRemoteIdProtocolEntityTags: "a drone remote ID address",
  segmentRouting: "a segment-routing address",
};

/** RFC 6052's well-known NAT64 prefix, where the IPv4 address is the last 32 bits. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

const v4 = (high = 0, low = 0) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
/** `::a.b.c.d` (RFC 4291's deprecated IPv4-compatible form): the first 96 bits are zero. */
const isIPv4Compatible = (address: ipaddr.IPv6) => address.parts.slice(0, 6).every((part) => part === 0);

/** The IPv4 address an IPv6 form carries, where the form says where it is (for the refusal's words). */
function embeddedIPv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = address.parts;
  if (range === "6to4") return v4(p[1], p[2]);
  // Teredo: the client's address, stored inverted (RFC 4380 4).
  if (range === "teredo") return v4(~(p[6] ?? 0) & 0xffff, ~(p[7] ?? 0) & 0xffff);
  if (range === "rfc6145" || (range === "rfc6052" && address.match(NAT64_WELL_KNOWN))) return v4(p[6], p[7]);
  if (range === "unicast" && isIPv4Compatible(address)) return v4(p[6], p[7]);
  return null;
}

function verdictOf(address: Address): Verdict {
  if (address instanceof ipaddr.IPv4) {
    const range = address.range();
    if (range === "unicast") return { kind: "public" };
    return { kind: PRIVATE_RANGES.has(range) ? "private" : "special", what: RANGE_WORDS[range] ?? range };
  }
  if (METADATA_ADDRESSES.some((metadata) => address.match(metadata, 128))) {
    return { kind: "special", what: "a metadata address" };
  }
  // ::ffff:a.b.c.d is the IPv4 address itself, as a dual-stack socket would reach it.
  if (address.isIPv4MappedAddress()) return verdictOf(address.toIPv4Address());
  if (address.zoneId !== undefined) return { kind: "special", what: "a scoped (zone) address" };
  const range = address.range();
  if (range === "unicast" && address.match(GLOBAL_UNICAST_V6)) return { kind: "public" };
  if (PRIVATE_RANGES.has(range)) return { kind: "private", what: RANGE_WORDS[range] ?? range };
  const what =
    range !== "unicast"
      ? (RANGE_WORDS[range] ?? `a special-purpose address (${range})`)
      : isIPv4Compatible(address)
        ? "an IPv4-compatible address"
        : "outside the global unicast range";
  const carried = embeddedIPv4(address, range);
  return { kind: "special", what: carried ? `${what} (it embeds ${carried.toString()})` : what };
}

/** The address a host names literally; undefined for a name, null for a bracket that holds no address. */
function literalAddress(host: string): Address | null | undefined {
  if (host.startsWith("[") && host.endsWith("]")) {
    const inner = host.slice(1, -1);
    return ipaddr.IPv6.isValid(inner) ? ipaddr.IPv6.parse(inner) : null;
  }
  // URL parsing already turns 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1; ipaddr.js reads
  // those spellings too, should a URL ever reach here unnormalised.
  return ipaddr.IPv4.isValid(host) ? ipaddr.IPv4.parse(host) : undefined;
}

const isLocalName = (host: string) =>
  !host.includes(".") || LOCAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));

/**
 * Refuses URLs a scrape must never fetch (SSRF): other schemes, credentials in the URL, metadata
 * names and every address in the IANA IPv4 and IPv6 special-purpose registries (IPv6 forms that
 * embed an IPv4 address included) always; loopback, private and unique-local addresses, local
 * names and non-default ports unless the policy allows private networks. Applied to every URL,
 * redirect hops included. Workers cannot resolve names first: a public name that resolves to a
 * private address relies on Cloudflare's egress, which does not reach private networks.
 */
export function assertFetchable(url: URL, policy: NetworkPolicy): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ScrapeError("unsupported_url", `Only http and https URLs are fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new ScrapeError("unsupported_url", "URLs with credentials are not fetched");
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  const refuse = (why: string) => {
    throw new ScrapeError("blocked_address", `${host} is ${why}`);
  };
  if (METADATA_HOSTS.has(host)) refuse("a metadata service");
  const address = literalAddress(host);
  if (address === null) refuse("not a valid address");
  if (address) {
    const verdict = verdictOf(address);
    if (verdict.kind === "special") refuse(verdict.what);
    if (verdict.kind === "private" && !policy.allowPrivateNetworks) refuse(verdict.what);
  }
  if (policy.allowPrivateNetworks) return;
  if (!address && isLocalName(host)) refuse("a local name");
  if (url.port !== (DEFAULT_PORTS[url.protocol] ?? "")) refuse(`on port ${url.port}, not the default`);
}

/**
 * Parses a URL as the scraper does (WHATWG URL parsing, relative to `base` for redirects) and
 * checks it with the guard: what is fetched is exactly what was checked.
 */
export function fetchableUrl(href: string, policy: NetworkPolicy, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    throw new ScrapeError("unsupported_url", `Not a valid URL: ${href.slice(0, 200)}`);
  }
  assertFetchable(url, policy);
  return url;
}
