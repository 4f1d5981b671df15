import { describe, expect, it } from "vitest";
import { assertFetchable } from "../../../src/scrape/network-guard";
import { ScrapeError } from "../../../src/scrape/scrape-error";

const reasonFor = (url: string, allowPrivateNetworks = false) => {
  try {
    assertFetchable(new URL(url), { allowPrivateNetworks });
    return "allowed";
  } catch (error) {
    if (error instanceof ScrapeError) return error.reason;
    throw error;
  }
};

describe("network guard (SSRF)", () => {
  it.each(["https://acme.co.uk/", "http://www.acme.co.uk/about", "https://8.8.8.8/", "https://[2606:4700::1111]/"])(
    "allows a public URL: %s",
    (url) => {
      expect(reasonFor(url)).toBe("allowed");
    },
  );

  it.each([
    ["file:///etc/passwd", "unsupported_url"],
    ["ftp://acme.co.uk/", "unsupported_url"],
    ["gopher://acme.co.uk/", "unsupported_url"],
    ["https://user:pass@acme.co.uk/", "unsupported_url"],
    ["http://127.0.0.1/", "blocked_address"],
    ["http://2130706433/", "blocked_address"], // 127.0.0.1 as one number
    ["http://0x7f.0.0.1/", "blocked_address"],
    ["http://10.1.2.3/", "blocked_address"],
    ["http://172.16.0.1/", "blocked_address"],
    ["http://192.168.1.1/", "blocked_address"],
    ["http://100.64.0.1/", "blocked_address"],
    ["http://169.254.169.254/latest/meta-data/", "blocked_address"],
    ["http://0.0.0.0/", "blocked_address"],
    ["http://[::1]/", "blocked_address"],
    ["http://[fd00:ec2::254]/", "blocked_address"],
    ["http://[fe80::1]/", "blocked_address"],
    ["http://[::ffff:127.0.0.1]/", "blocked_address"],
    ["http://localhost/", "blocked_address"],
    ["http://api.localhost/", "blocked_address"],
    ["http://metadata.google.internal/", "blocked_address"],
    ["http://intranet/", "blocked_address"],
    ["https://acme.co.uk:8443/", "blocked_address"],
  ])("refuses %s (%s)", (url, reason) => {
    expect(reasonFor(url)).toBe(reason);
  });

  it("lets tests and development reach loopback and other ports, but never metadata or link-local", () => {
    expect(reasonFor("http://127.0.0.1:8787/", true)).toBe("allowed");
    expect(reasonFor("http://10.0.0.5/", true)).toBe("allowed");
    expect(reasonFor("http://169.254.169.254/", true)).toBe("blocked_address");
    expect(reasonFor("http://metadata.google.internal/", true)).toBe("blocked_address");
    expect(reasonFor("http://[fd00:ec2::254]/", true)).toBe("blocked_address");
    expect(reasonFor("file:///etc/passwd", true)).toBe("unsupported_url");
  });
});
