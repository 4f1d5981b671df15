import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CRON_SCHEDULES } from "../../../src/cron/schedules";

const toml = readFileSync(join(import.meta.dirname, "../../../wrangler.toml"), "utf8");

describe("wrangler.toml", () => {
  it("declares exactly the crons scheduled() dispatches, in every environment", () => {
    const cronLines = [...toml.matchAll(/^crons\s*=\s*\[(.*)\]$/gm)].map((m) => m[1] ?? "");
    expect(cronLines).toHaveLength(3); // top level, staging, production
    for (const line of cronLines) {
      const crons = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(crons.sort()).toEqual(Object.values(CRON_SCHEDULES).sort());
    }
  });

  it("binds the rate limiter, the scrape queue and its dead-letter queue in every environment", () => {
    expect(toml.match(/name = "RATE_LIMITER"/g)).toHaveLength(3);
    expect(toml.match(/binding = "SCRAPE_QUEUE"/g)).toHaveLength(3);
    expect(toml.match(/dead_letter_queue = "detecktiv-scrape-dlq[a-z-]*"/g)).toHaveLength(3);
    expect(toml).toMatch(/new_sqlite_classes = \["TenantRateLimiter"\]/);
  });

  it("creates the limiter's objects where each environment's placement puts the Worker", () => {
    // README "Deploy" → placement: the Durable Object location hint holding each Neon region.
    const hintOf: Record<string, string> = {
      "aws:us-east-1": "enam",
      "aws:us-east-2": "enam",
      "aws:us-west-2": "wnam",
      "aws:eu-west-2": "weur",
      "aws:eu-central-1": "weur",
      "aws:ap-southeast-1": "apac",
      "aws:ap-southeast-2": "oc",
      "aws:sa-east-1": "sam",
    };
    for (const environment of ["staging", "production"]) {
      const section = (name: string) =>
        toml.split(/^\[/m).find((part) => part.startsWith(`env.${environment}.${name}]`)) ?? "";
      const region = /^region = "([^"]+)"$/m.exec(section("placement"))?.[1];
      const hint = /^RATE_LIMITER_LOCATION_HINT = "([^"]+)"$/m.exec(section("vars"))?.[1];
      expect(region, environment).toBeDefined();
      expect(hint, environment).toBe(hintOf[region ?? ""]);
    }
  });

  it("uses a compatibility date the test runtime supports", () => {
    const date = /^compatibility_date = "(\d{4}-\d{2}-\d{2})"$/m.exec(toml)?.[1];
    expect(date).toBeDefined();
    // @cloudflare/vitest-plugin 1.5 bundles workerd 2026-11-09.
    expect(date && date <= "2026-11-09").toBe(true);
  });
});
