import { exports } from "cloudflare:workers";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { components, operations, paths } from "../../../client/openapi";
import { signedIn } from "../factories";
import { BASE_URL } from "../harness";

type Company = components["schemas"]["Company"];
type Problem = components["schemas"]["Problem"];

/** The generated client as a customer would build it, sending through the Worker's fetch. */
function clientFor(member: { headers: Record<string, string> }) {
  return createClient<paths>({
    baseUrl: BASE_URL,
    headers: member.headers,
    fetch: (request: Request) => exports.default.fetch(request),
  });
}

describe("the committed types drive a real flow through openapi-fetch", () => {
  it("creates a company, reads it with its ETag, updates it with If-Match, and is refused with a stale one", async () => {
    const client = clientFor(await signedIn("editor"));

    const created = await client.POST("/v1/companies", {
      params: { header: { "idempotency-key": crypto.randomUUID() } },
      body: { name: "Typed Client Ltd", company_number: "sc 123456", tags: ["Prospect"] },
    });
    expect(created.response.status).toBe(201);
    const company: Company | undefined = created.data;
    expect(company).toMatchObject({ name: "Typed Client Ltd", company_number: "SC123456", tags: ["prospect"] });
    if (!company) throw new Error("no company");
    expect(created.response.headers.get("location")).toBe(`/v1/companies/${company.id}`);

    const read = await client.GET("/v1/companies/{id}", { params: { path: { id: company.id } } });
    expect(read.data).toEqual(company);
    const etag = read.response.headers.get("etag") ?? "";
    expect(etag).toBe(`"${company.id}.${company.version}"`);

    const unchanged = await client.GET("/v1/companies/{id}", {
      params: { path: { id: company.id }, header: { "if-none-match": etag } },
    });
    expect(unchanged.response.status).toBe(304);

    const updated = await client.PATCH("/v1/companies/{id}", {
      params: { path: { id: company.id }, header: { "if-match": etag } },
      body: { name: "Typed Client Group Ltd", website: "https://www.typed.example/about" },
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data).toMatchObject({
      name: "Typed Client Group Ltd",
      website: "https://www.typed.example",
      domain: "typed.example",
      version: company.version + 1,
    });
    expect(updated.response.headers.get("etag")).toBe(`"${company.id}.${company.version + 1}"`);

    const stale = await client.PATCH("/v1/companies/{id}", {
      params: { path: { id: company.id }, header: { "if-match": etag } },
      body: { website: null },
    });
    expect(stale.response.status).toBe(412);
    const problem: Problem | undefined = stale.error;
    expect(problem?.type).toBe("https://detecktiv.co.uk/problems/precondition_failed");
  });

  it("names the operations by their operationIds (checked by npm run typecheck)", () => {
    // Compile-time: a renamed operationId breaks this line, as it would break a client.
    const ids: (keyof operations)[] = [
      "getCompany",
      "updateCompany",
      "createCompany",
      "importCompanyFromCompaniesHouse",
    ];
    expect(ids).toHaveLength(4);
  });
});
