import { describe, expect, it, vi } from "vitest";
import { call, callWithEnv, problemOf } from "../harness";

describe("problem+json errors", () => {
  it("answers an unknown route with a 404 problem", async () => {
    const response = await call("/v1/nothing-here");
    expect(response.status).toBe(404);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      type: "https://detecktiv.co.uk/problems/not_found",
      title: "Not found",
      status: 404,
      instance: "/v1/nothing-here",
    });
    expect(problem.detail).toContain("/v1/nothing-here");
  });

  it("answers a wrong method with a 405 problem and an Allow header", async () => {
    const response = await call("/health", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    const problem = await problemOf(response);
    expect(problem.status).toBe(405);
  });

  it("refuses a body over the limit with a 413 problem", async () => {
    const response = await call("/health", { method: "POST", body: "x".repeat(20_000) });
    expect(response.status).toBe(413);
    const problem = await problemOf(response);
    expect(problem.detail).toContain("16384");
  });

  it("refuses an over-limit body sent without Content-Length (streamed)", async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("y".repeat(5000)));
        controller.close();
      },
    });
    const response = await call("/health", { method: "POST", body: stream });
    expect(response.status).toBe(413);
  });

  it("turns a missing secret into a clear 500 problem and logs which variable, never values", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWithEnv(
      { DATABASE_URL: undefined, JWT_SECRET: undefined, JWT_JWKS_URL: undefined },
      "/health",
    );
    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem.type).toBe("https://detecktiv.co.uk/problems/misconfigured");
    expect(JSON.stringify(problem)).not.toContain("DATABASE_URL");
    const logged = errors.mock.calls.map((args) => String(args[0])).join("\n");
    expect(logged).toContain("DATABASE_URL");
    expect(logged).toContain("JWT_SECRET");
    errors.mockRestore();
  });

  it("rejects an invalid configuration value", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWithEnv({ DATABASE_URL: "mysql://nope", RATE_LIMIT_FAIL_MODE: "sometimes" }, "/health");
    expect(response.status).toBe(500);
    const logged = errors.mock.calls.map((args) => String(args[0])).join("\n");
    expect(logged).toContain("RATE_LIMIT_FAIL_MODE");
    expect(logged).not.toContain("mysql://nope");
    errors.mockRestore();
  });
});
