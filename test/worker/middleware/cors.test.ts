import { describe, expect, it } from "vitest";
import { TEST_CORS_ORIGIN } from "../constants";
import { call } from "../harness";

const preflight = (origin: string) =>
  call("/ready", {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": "authorization",
    },
  });

describe("CORS", () => {
  it("allows a listed origin, with the headers clients need", async () => {
    const response = await preflight(TEST_CORS_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(TEST_CORS_ORIGIN);
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("exposes the request id and rate-limit headers on simple requests from a listed origin", async () => {
    const response = await call("/health", { headers: { Origin: TEST_CORS_ORIGIN } });
    expect(response.headers.get("access-control-allow-origin")).toBe(TEST_CORS_ORIGIN);
    expect(response.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
  });

  it("marks every answer as varying by Origin and exposes the same headers to any origin", async () => {
    const listed = await call("/v1/companies", { headers: { Origin: TEST_CORS_ORIGIN } }); // a 401 problem
    expect(listed.status).toBe(401);
    expect(listed.headers.get("access-control-allow-origin")).toBe(TEST_CORS_ORIGIN);
    expect(listed.headers.get("vary")).toBe("Origin");
    const other = await call("/health", { headers: { Origin: "https://evil.example" } });
    expect(other.headers.get("vary")).toBe("Origin");
    expect(other.headers.get("access-control-expose-headers")).toBe(
      listed.headers.get("access-control-expose-headers"),
    );
  });

  it("denies any other origin by default", async () => {
    const response = await preflight("https://evil.example");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await call("/health", { headers: { Origin: "https://evil.example" } });
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
  });
});
