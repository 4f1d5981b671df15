import { describe, expect, it } from "vitest";
import { SCALAR_SCRIPT_PATH } from "../../../src/routes/system/docs";
import { call } from "../harness";

describe("API reference", () => {
  it("serves an OpenAPI 3.1 document built from the route definitions", async () => {
    const response = await call("/openapi.json");
    expect(response.status).toBe(200);
    const spec = (await response.json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.info.title).toBe("Detecktiv API");
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/health", "/ready"]));
    expect(spec.paths["/ready"]?.get?.responses).toHaveProperty("503");
    expect(spec.components.schemas).toHaveProperty("Problem");
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        "/v1/tenants",
        "/v1/tenant",
        "/v1/me",
        "/v1/members/{userId}",
        "/v1/api-keys",
        "/v1/audit-log",
      ]),
    );
    const addMember = spec.paths["/v1/members"]?.post as unknown as Record<string, unknown>;
    expect(addMember["x-required-role"]).toBe("admin");
    expect(addMember["x-api-key-scope"]).toBe("members:write");
    expect(addMember.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/v1/companies", "/v1/companies/{id}/restore"]));
  });

  it("serves an interactive reference page at /docs that loads only from the Worker", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain(`<script src="${SCALAR_SCRIPT_PATH}"></script>`);
    expect(html).not.toMatch(/https?:\/\//);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:/);

    const init = await call("/docs/init.js");
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('"url":"/openapi.json"');
  });

  it("serves the pinned reference UI from the Worker's static assets, cacheable for a year", async () => {
    const response = await call(SCALAR_SCRIPT_PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await response.text()).toContain("createApiReference");
    // Only that bundle: the asset directory's other files are not served.
    expect((await call("/standalone.js")).status).toBe(404);
    expect((await call("/docs/scalar-api-reference-0.0.1.js")).status).toBe(404);
  });
});
