import { describe, expect, it } from "vitest";
import { call } from "../harness";

describe("security headers", () => {
  it.each(["/health", "/nowhere", "/openapi.json"])("are on every JSON response (%s)", async (path) => {
    const response = await call(path);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains/);
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
