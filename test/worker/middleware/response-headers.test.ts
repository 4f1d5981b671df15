import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../../src/app-env";
import { requestId } from "../../../src/middleware/request-id";
import { securityHeaders } from "../../../src/middleware/security-headers";
import { call } from "../harness";

describe("headers added after the handler", () => {
  it("reach a response whose own headers are immutable (one fetched or made by Response.redirect)", async () => {
    const app = new Hono<AppEnv>();
    app.use(requestId());
    app.use(securityHeaders());
    app.get("/elsewhere", () => Response.redirect("https://example.com/there", 302));
    const response = await app.request("/elsewhere", { headers: { "X-Request-Id": "immutable-0001" } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://example.com/there");
    expect(response.headers.get("x-request-id")).toBe("immutable-0001");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("keep a route's own Cache-Control and leave HTML without one", async () => {
    const asset = await call("/docs/init.js");
    expect(asset.headers.get("cache-control")).toBe("no-cache");
    expect(asset.headers.get("x-frame-options")).toBe("DENY");
    const page = await call("/docs");
    expect(page.headers.get("cache-control")).toBeNull();
    expect(page.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
