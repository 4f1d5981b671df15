import { describe, expect, it } from "vitest";
import { committedDocument, operationsOf } from "./document";

const document = committedDocument();
const operations = operationsOf(document);
const byId = (id: string) => {
  const found = operations.find(({ operation }) => operation.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found.operation;
};
const headerNames = (id: string, status: string) => Object.keys(byId(id).responses[status]?.headers ?? {});
const parameterNames = (id: string) => (byId(id).parameters ?? []).map((p) => `${p.in}:${p.name.toLowerCase()}`);

describe("the OpenAPI document's conventions", () => {
  it("names its servers, contact and licence", () => {
    expect(document.servers?.map((s) => s.url)).toEqual(["https://api.detecktiv.co.uk"]);
    expect(document.info.contact).toBeDefined();
    expect(document.info.license).toBeDefined();
  });

  it("documents X-Request-Id on every response of every operation", () => {
    for (const { operation } of operations) {
      for (const response of Object.values(operation.responses))
        expect(response.headers).toHaveProperty("X-Request-Id");
    }
  });

  it("documents rate limiting on every /v1 operation: RateLimit headers, 429 with Retry-After, 503", () => {
    const v1 = operations.filter(({ path }) => path.startsWith("/v1/"));
    expect(v1.length).toBeGreaterThan(30);
    for (const { operation } of v1) {
      expect(operation["x-rate-limit-cost"]).toBeGreaterThanOrEqual(1);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["429", "503", "500"]));
      expect(operation.responses["429"]?.headers).toHaveProperty("Retry-After");
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^[24]/.test(status) && status !== "401") expect(response.headers).toHaveProperty("RateLimit");
      }
    }
  });

  it("documents 413 and 415 wherever a request body is taken", () => {
    const withBody = operations.filter(({ operation }) => operation.requestBody);
    expect(withBody.length).toBeGreaterThan(10);
    for (const { operation } of withBody) {
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["413", "415"]));
    }
  });

  it("documents the request headers where they apply", () => {
    expect(parameterNames("getCompany")).toEqual(
      expect.arrayContaining(["header:if-none-match", "header:x-tenant-id"]),
    );
    expect(parameterNames("updateCompany")).toContain("header:if-match");
    expect(parameterNames("updateContact")).toContain("header:if-match");
    for (const id of ["createCompany", "createContact", "importCompanyFromCompaniesHouse"]) {
      expect(parameterNames(id)).toContain("header:idempotency-key");
      expect(headerNames(id, "201")).toContain("Idempotent-Replayed");
    }
    // Tenantless operations take no tenant header.
    expect(parameterNames("getMe")).not.toContain("header:x-tenant-id");
    expect(parameterNames("createTenant")).not.toContain("header:x-tenant-id");
  });

  it("documents ETag and Location where the routes send them", () => {
    expect(headerNames("createCompany", "201")).toEqual(expect.arrayContaining(["ETag", "Location"]));
    expect(headerNames("getCompany", "200")).toContain("ETag");
    expect(headerNames("updateCompany", "200")).toContain("ETag");
    expect(headerNames("createApiKey", "201")).toContain("Location");
    expect(headerNames("createScrapeJob", "202")).toContain("Location");
  });

  it("publishes the limits and shapes the server enforces", () => {
    const { schemas } = document.components;
    expect(schemas.CreateTenant?.additionalProperties).toBe(false);
    expect(schemas.TransferOwnership?.additionalProperties).toBe(false);
    expect(schemas.UpdateCompany?.properties?.website).toMatchObject({ type: ["string", "null"], maxLength: 2048 });
    expect(schemas.CreateContact?.properties?.phone).toMatchObject({ pattern: expect.any(String), maxLength: 40 });
    expect(schemas.CreateCompany?.properties?.company_number).toMatchObject({ maxLength: 16 });
  });
});
