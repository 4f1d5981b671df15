import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RobotsFile } from "../../../src/scrape/robots";
import { ScrapeError } from "../../../src/scrape/scrape-error";
import { type HostGate, scrapeSite } from "../../../src/scrape/scrape-site";
import { siteOrigin } from "../scrape";

const throttle = () => env.HOST_THROTTLE.get(env.HOST_THROTTLE.idFromName(`host:test-${crypto.randomUUID()}`));
const robots = (note: string): RobotsFile => ({ kind: "allow_all", body: "", note, fetchedAt: Date.now() });

describe("HostThrottle", () => {
  it("lets one request at a time go to a host, each the delay after the previous one finished", async () => {
    const host = throttle();
    const t = 1_000_000;
    expect(await host.acquire(500, 10_000, t)).toBe(0);
    // Held: others wait (polling), however long ago the last request started.
    expect(await host.acquire(500, 10_000, t + 2_000)).toBe(100);
    await host.release(t + 3_000);
    expect(await host.acquire(500, 10_000, t + 3_200)).toBe(300);
    expect(await host.acquire(500, 10_000, t + 3_500)).toBe(0);
    // A holder that never releases frees the host when its hold runs out.
    expect(await host.acquire(500, 10_000, t + 13_500)).toBe(0);
  });

  it("keeps robots.txt per origin: http and https of one host are different files", async () => {
    const host = throttle();
    await host.storeRobots("http://acme.example", robots("http file"));
    expect((await host.robots("http://acme.example"))?.note).toBe("http file");
    expect(await host.robots("https://acme.example")).toBeNull();
  });
});

describe("scrapeSite", () => {
  it("gives up on a host other jobs keep busy, in time for its lease, as a transient failure", async () => {
    const busy: HostGate = {
      acquire: async () => 1_000,
      release: async () => {},
      robots: async () => robots("cached"),
      storeRobots: async () => {},
    };
    const settings = {
      userAgent: "test",
      maxPages: 5,
      minHostDelayMs: 0,
      timeoutMs: 1000,
      maxBytes: 1024,
      allowPrivateNetworks: true,
      budgetMs: 50,
    };
    const failure = await scrapeSite(new URL(siteOrigin("basic")), settings, busy).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ScrapeError);
    expect(failure).toMatchObject({ reason: "host_busy", transient: true });
  });
});
