import { describe, expect, it } from "vitest";
import { fetchPage } from "../../../src/scrape/fetch-page";
import { fetchableUrl } from "../../../src/scrape/network-guard";
import { type FailureReason, ScrapeError } from "../../../src/scrape/scrape-error";
import { hitsOf, siteOrigin } from "../scrape";

/** Parsed by workerd's own URL parser and checked, as the scraper does for every hop. */
const verdict = (href: string, allowPrivateNetworks = false) => {
  try {
    fetchableUrl(href, { allowPrivateNetworks });
    return "allowed";
  } catch (error) {
    if (error instanceof ScrapeError) return error.reason;
    throw error;
  }
};

const refusal = (href: string, allowPrivateNetworks = false) => {
  try {
    fetchableUrl(href, { allowPrivateNetworks });
  } catch (error) {
    if (error instanceof ScrapeError) return error.message;
    throw error;
  }
  throw new Error(`${href} was allowed`);
};

const PUBLIC = [
  "https://acme.co.uk/",
  "http://www.acme.co.uk/about",
  "https://acme.co.uk./",
  "https://www.gov.uk:443/",
  "http://bücher.de/",
  "https://8.8.8.8/",
  "https://1.1.1.1/",
  "http://93.184.215.14/",
  "https://11.0.0.1/", // next to 10/8
  "https://100.63.255.255/", // below CGNAT
  "https://100.128.0.1/", // above CGNAT
  "https://172.15.255.255/", // below 172.16/12
  "https://172.32.0.1/", // above 172.16/12
  "https://192.0.1.1/", // between 192.0.0/24 and TEST-NET-1
  "https://192.0.3.1/", // above TEST-NET-1
  "https://192.169.0.1/", // above 192.168/16
  "https://198.20.0.1/", // above the benchmarking /15
  "https://223.255.255.254/", // below multicast
  "https://[2606:4700::1111]/",
  "https://[2a00:1450:4009:81f::200e]/",
  "https://[2001:4860:4860::8888]/", // 2001::/16, but outside 2001::/23
  "https://[2001:200::1]/", // just above 2001::/23
  "https://[2003::1]/", // just above 6to4
  "https://[2001:db9::1]/", // just above documentation
];

/** Every one must be refused by the production guard, with this reason. */
const HOSTILE: [string, FailureReason][] = [
  // Schemes and credentials (userinfo tricks put the real host after the @).
  ["file:///etc/passwd", "unsupported_url"],
  ["ftp://acme.co.uk/", "unsupported_url"],
  ["gopher://acme.co.uk/", "unsupported_url"],
  ["ws://acme.co.uk/", "unsupported_url"],
  ["data:text/html,hello", "unsupported_url"],
  ["javascript:alert(1)", "unsupported_url"],
  ["https://user:pass@acme.co.uk/", "unsupported_url"],
  ["http://example.com@127.0.0.1/", "unsupported_url"],
  ["http://acme.co.uk:@127.0.0.1/", "unsupported_url"],
  ["http://:@127.0.0.1/", "blocked_address"], // empty userinfo is dropped by URL parsing
  ["http://127.0.0.1#@acme.co.uk/", "blocked_address"],
  ["http://127.0.0.1?@acme.co.uk/", "blocked_address"],
  // IPv4 loopback in every spelling URL parsing accepts.
  ["http://127.0.0.1/", "blocked_address"],
  ["http://127.255.255.254/", "blocked_address"],
  ["http://127.1/", "blocked_address"],
  ["http://2130706433/", "blocked_address"],
  ["http://0x7f000001/", "blocked_address"],
  ["http://0x7f.1/", "blocked_address"],
  ["http://0x7f.0.0.1/", "blocked_address"],
  ["http://017700000001/", "blocked_address"],
  ["http://0177.0.0.1/", "blocked_address"],
  ["http://127.0.0.1./", "blocked_address"],
  ["http://１２７.０.０.１/", "blocked_address"], // full-width digits, mapped by IDNA
  ["http://127.0.0.1:80/", "blocked_address"],
  // IPv4 special-purpose registry.
  ["http://0.0.0.0/", "blocked_address"],
  ["http://0/", "blocked_address"],
  ["http://0.1.2.3/", "blocked_address"],
  ["http://10.1.2.3/", "blocked_address"],
  ["http://167772161/", "blocked_address"], // 10.0.0.1
  ["http://100.64.0.1/", "blocked_address"],
  ["http://100.100.100.200/", "blocked_address"], // Alibaba's metadata, in CGNAT space
  ["http://169.254.169.254/latest/meta-data/", "blocked_address"],
  ["http://2852039166/", "blocked_address"], // 169.254.169.254
  ["http://0xa9.0xfe.0xa9.0xfe/", "blocked_address"],
  ["http://172.16.0.1/", "blocked_address"],
  ["http://172.31.255.255/", "blocked_address"],
  ["http://192.0.0.1/", "blocked_address"],
  ["http://192.0.0.170/", "blocked_address"],
  ["http://192.0.0.192/", "blocked_address"], // Oracle Cloud's metadata
  ["http://192.0.2.1/", "blocked_address"],
  ["http://192.31.196.1/", "blocked_address"],
  ["http://192.52.193.1/", "blocked_address"],
  ["http://192.88.99.1/", "blocked_address"],
  ["http://192.168.1.1/", "blocked_address"],
  ["http://3232235777/", "blocked_address"], // 192.168.1.1
  ["http://192.175.48.1/", "blocked_address"],
  ["http://198.18.0.1/", "blocked_address"],
  ["http://198.19.255.255/", "blocked_address"],
  ["http://198.51.100.7/", "blocked_address"],
  ["http://203.0.113.9/", "blocked_address"],
  ["http://224.0.0.1/", "blocked_address"],
  ["http://239.255.255.250/", "blocked_address"],
  ["http://240.0.0.1/", "blocked_address"],
  ["http://255.255.255.255/", "blocked_address"],
  // IPv6 special-purpose registry and the address space outside global unicast.
  ["http://[::1]/", "blocked_address"],
  ["http://[0:0:0:0:0:0:0:1]/", "blocked_address"],
  ["http://[::]/", "blocked_address"],
  ["http://[fe80::1]/", "blocked_address"],
  ["http://[febf::1]/", "blocked_address"],
  ["http://[fec0::1]/", "blocked_address"],
  ["http://[fc00::1]/", "blocked_address"],
  ["http://[fd12:3456:789a::1]/", "blocked_address"],
  ["http://[fd00:ec2::254]/", "blocked_address"],
  ["http://[ff02::1]/", "blocked_address"],
  ["http://[100::1]/", "blocked_address"],
  ["http://[100:0:0:1::1]/", "blocked_address"],
  ["http://[2001:db8::1]/", "blocked_address"],
  ["http://[3fff::1]/", "blocked_address"],
  ["http://[2001:2::1]/", "blocked_address"],
  ["http://[2001:10::1]/", "blocked_address"],
  ["http://[2001:20::1]/", "blocked_address"],
  ["http://[2001:1::1]/", "blocked_address"],
  ["http://[5f00::1]/", "blocked_address"],
  ["http://[4000::1]/", "blocked_address"],
  // IPv6 forms that embed an IPv4 address.
  ["http://[::ffff:127.0.0.1]/", "blocked_address"],
  ["http://[::ffff:7f00:1]/", "blocked_address"],
  ["http://[0:0:0:0:0:ffff:7f00:0001]/", "blocked_address"],
  ["http://[::FFFF:169.254.169.254]/", "blocked_address"],
  ["http://[::ffff:10.0.0.1]/", "blocked_address"],
  ["http://[::ffff:0.0.0.0]/", "blocked_address"],
  ["http://[::ffff:192.0.2.1]/", "blocked_address"],
  ["http://[::7f00:1]/", "blocked_address"],
  ["http://[::127.0.0.1]/", "blocked_address"],
  ["http://[::8.8.8.8]/", "blocked_address"], // IPv4-compatible is deprecated, whatever it embeds
  ["http://[::ffff:0:7f00:1]/", "blocked_address"],
  ["http://[64:ff9b::7f00:1]/", "blocked_address"],
  ["http://[64:ff9b::169.254.169.254]/", "blocked_address"],
  ["http://[64:ff9b:1::a00:1]/", "blocked_address"],
  ["http://[2002:7f00:1::]/", "blocked_address"],
  ["http://[2002:a9fe:a9fe::1]/", "blocked_address"],
  ["http://[2002:808:808::1]/", "blocked_address"], // 6to4 relays are gone; refused whatever it embeds
  ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "blocked_address"],
  // Zone ids: URL parsing refuses them.
  ["http://[fe80::1%25eth0]/", "unsupported_url"],
  ["http://[::1%251]/", "unsupported_url"],
  // Local names, metadata names, ports.
  ["http://localhost/", "blocked_address"],
  ["http://LOCALHOST./", "blocked_address"],
  ["http://localhost:8080/", "blocked_address"],
  ["http://api.localhost/", "blocked_address"],
  ["http://a.b.localhost../", "blocked_address"],
  ["http://metadata.google.internal/", "blocked_address"],
  ["http://metadata.google.internal./", "blocked_address"],
  ["http://metadata/", "blocked_address"],
  ["http://instance-data/", "blocked_address"],
  ["http://intranet/", "blocked_address"],
  ["http://printer.local/", "blocked_address"],
  ["http://nas.home.arpa/", "blocked_address"],
  ["http://db.corp.internal/", "blocked_address"],
  ["https://acme.co.uk:8443/", "blocked_address"],
  ["http://acme.co.uk:22/", "blocked_address"],
];

describe("network guard (SSRF)", () => {
  it.each(PUBLIC)("allows a public URL: %s", (href) => {
    expect(verdict(href)).toBe("allowed");
  });

  it(`refuses ${HOSTILE.length} hostile forms`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(HOSTILE)("refuses %s (%s)", (href, reason) => {
    expect(verdict(href)).toBe(reason);
  });

  it("says what it refused in a plain sentence, naming the IPv4 address an IPv6 form carries", () => {
    expect(refusal("http://0x7f.1/")).toBe("127.0.0.1 is a loopback address");
    expect(refusal("http://[2002:7f00:1::]/")).toBe("[2002:7f00:1::] is a 6to4 address (it embeds 127.0.0.1)");
    expect(refusal("http://[64:ff9b::a9fe:a9fe]/")).toBe(
      "[64:ff9b::a9fe:a9fe] is a NAT64 address (it embeds 169.254.169.254)",
    );
    expect(refusal("http://[::7f00:1]/")).toBe("[::7f00:1] is an IPv4-compatible address (it embeds 127.0.0.1)");
    expect(refusal("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/")).toBe(
      "[2001:0:4136:e378:8000:63bf:3fff:fdd2] is a Teredo address (it embeds 192.0.2.45)",
    );
    expect(refusal("http://[fec0::1]/")).toBe("[fec0::1] is a site-local address");
  });

  it.each([
    "http://127.0.0.1:8787/",
    "http://2130706433:8787/",
    "http://10.0.0.5/",
    "http://172.20.1.1/",
    "http://192.168.1.1:3000/",
    "http://[::1]:8787/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fd12:3456:789a::1]/",
    "http://localhost:8787/",
    "http://api.localhost/",
    "http://intranet/",
  ])("with the development allowance, reaches loopback and private networks: %s", (href) => {
    expect(verdict(href, true)).toBe("allowed");
  });

  it.each([
    ["http://169.254.169.254/", "blocked_address"],
    ["http://2852039166/", "blocked_address"],
    ["http://[fd00:ec2::254]/", "blocked_address"],
    ["http://metadata.google.internal/", "blocked_address"],
    ["http://0.0.0.0:8787/", "blocked_address"],
    ["http://100.64.0.1/", "blocked_address"],
    ["http://192.0.2.1/", "blocked_address"],
    ["http://198.51.100.7:8787/", "blocked_address"],
    ["http://240.0.0.1/", "blocked_address"],
    ["http://[fe80::1]/", "blocked_address"],
    ["http://[fec0::1]/", "blocked_address"],
    ["http://[2001:db8::1]/", "blocked_address"],
    ["http://[::7f00:1]/", "blocked_address"],
    ["http://[64:ff9b::7f00:1]/", "blocked_address"],
    ["http://[2002:7f00:1::]/", "blocked_address"],
    ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "blocked_address"],
    ["file:///etc/passwd", "unsupported_url"],
    ["http://user@127.0.0.1:8787/", "unsupported_url"],
  ])("even with the development allowance, refuses everything else reserved: %s", (href, reason) => {
    expect(verdict(href, true)).toBe(reason);
  });

  it("is asked before the first request goes out", async () => {
    const options = { userAgent: "test", timeoutMs: 1000, maxBytes: 1024, allowPrivateNetworks: false };
    for (const href of ["http://[::7f00:1]/", "http://017700000001/", "http://[2002:a9fe:a9fe::]/"]) {
      await expect(fetchPage(new URL(href), options)).rejects.toMatchObject({ reason: "blocked_address" });
    }
  });

  it.each(["http://[::ffff:a9fe:a9fe]/", "http://0xc0.0.2.1/", "http://0.0.0.0:PORT/", "http://[2002:7f00:1::]:PORT/"])(
    "checks every redirect hop itself, before robots.txt or anything else is asked: %s",
    async (target) => {
      const origin = siteOrigin("redirect-to");
      const hostile = target.replace("PORT", new URL(origin).port);
      const start = new URL(`${origin}/to/${encodeURIComponent(hostile)}`);
      const before = (await hitsOf("redirect-to")).length;
      const asked: string[] = [];
      const gate = async (url: URL) => {
        asked.push(url.href);
        return async () => {};
      };
      const options = { userAgent: "test", timeoutMs: 2000, maxBytes: 1024, allowPrivateNetworks: true };
      await expect(fetchPage(start, options, gate)).rejects.toMatchObject({ reason: "blocked_address" });
      const hop = start.href.replace("/to/", "/hop/");
      expect(asked).toEqual([start.href, hop]);
      expect((await hitsOf("redirect-to")).slice(before).map((h) => `${origin}${h.path}`)).toEqual([start.href, hop]);
    },
  );
});
