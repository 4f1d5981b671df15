import { describe, expect, it } from "vitest";
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

  it("serves an interactive reference page at /docs with a CSP that lets it load", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('data-url="/openapi.json"');
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src https://cdn.jsdelivr.net");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
