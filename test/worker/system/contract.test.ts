import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors/api-error";
import { MAX_FIELD_ERRORS } from "../../../src/errors/problem";
import { validationHook } from "../../../src/errors/validation-hook";
import { companySchema } from "../../../src/routes/companies/schemas";
import { createUser, signedIn } from "../factories";
import { BASE_URL, call, problemOf, sendAs, sqlAs } from "../harness";
import { bearer, hsToken } from "../tokens";

interface Header {
  $ref?: string;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, Header> }>;
}
interface Document {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
}

async function servedDocument(): Promise<Document> {
  return (await (await call("/openapi.json")).json()) as Document;
}

/** Headers an operation's response documents that the server sends on every such response. */
function alwaysSent(operation: Operation | undefined, status: string): string[] {
  const conditional = new Set(["Access-Control-Allow-Origin", "Idempotent-Replayed", "Retry-After"]);
  return Object.keys(operation?.responses[status]?.headers ?? {}).filter((name) => !conditional.has(name));
}

describe("the published contract and the server agree", () => {
  it("names this deployment first among the servers, so /docs and clients talk to it", async () => {
    const document = await servedDocument();
    expect(document.servers.map((server) => server.url)).toEqual([BASE_URL, "https://api.detecktiv.co.uk"]);
  });

  it("sends every header a response documents (create, read, update of a company)", async () => {
    const document = await servedDocument();
    const editor = await signedIn("editor");
    const created = await sendAs(editor, "POST", "/v1/companies", { name: "Contract Ltd" });
    expect(created.status).toBe(201);
    const createHeaders = alwaysSent(document.paths["/v1/companies"]?.post, "201");
    expect(createHeaders).toEqual(
      expect.arrayContaining(["ETag", "Location", "RateLimit", "RateLimit-Policy", "X-Request-Id"]),
    );
    for (const name of createHeaders) expect(created.headers.get(name), name).not.toBeNull();

    const company = companySchema.parse(await created.json());
    const read = await sendAs(editor, "GET", `/v1/companies/${company.id}`);
    for (const name of alwaysSent(document.paths["/v1/companies/{id}"]?.get, "200")) {
      expect(read.headers.get(name), name).not.toBeNull();
    }
    const updated = await sendAs(
      editor,
      "PATCH",
      `/v1/companies/${company.id}`,
      { website: "acme.co.uk" },
      {
        "if-match": read.headers.get("etag") ?? "",
      },
    );
    expect(updated.status).toBe(200);
    for (const name of alwaysSent(document.paths["/v1/companies/{id}"]?.patch, "200")) {
      expect(updated.headers.get(name), name).not.toBeNull();
    }
  });

  it("documents and accepts null to remove a company's website", async () => {
    const document = await servedDocument();
    expect(document.components.schemas.UpdateCompany?.properties.website?.type).toEqual(["string", "null"]);
    const editor = await signedIn("editor");
    const created = await sendAs(editor, "POST", "/v1/companies", { name: "Web Ltd", website: "web.co.uk" });
    const { id } = companySchema.parse(await created.json());
    const cleared = await sendAs(editor, "PATCH", `/v1/companies/${id}`, { website: null });
    expect(cleared.status).toBe(200);
    expect(companySchema.parse(await cleared.json())).toMatchObject({ website: null, domain: null });
  });

  it("enforces exactly the contact phone pattern it publishes", async () => {
    const document = await servedDocument();
    const published = document.components.schemas.CreateContact?.properties.phone?.pattern;
    expect(typeof published).toBe("string");
    const pattern = new RegExp(String(published));
    const editor = await signedIn("editor");
    const company = companySchema.parse(await (await sendAs(editor, "POST", "/v1/companies", { name: "P" })).json());
    const samples = [
      "+44 (0)20 7946-0000",
      "020 7946 0000",
      "1234567",
      "123456",
      "+1234567890123456",
      "call me",
      "+44+20",
    ];
    for (const phone of samples) {
      const response = await sendAs(editor, "POST", `/v1/companies/${company.id}/contacts`, {
        name: "Alice Example",
        phone,
        lawful_basis: "legitimate_interests",
      });
      expect(response.status, phone).toBe(pattern.test(phone) ? 201 : 400);
    }
  });

  it("refuses unknown fields when creating a tenant, creating nothing", async () => {
    const user = await createUser();
    const slug = `t-${crypto.randomUUID().slice(0, 8)}`;
    const response = await call("/v1/tenants", {
      method: "POST",
      headers: { ...bearer(await hsToken(user.subject)), "content-type": "application/json" },
      body: JSON.stringify({ slug, name: "Strict", junk: Array.from({ length: 1000 }, () => 0) }),
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toContainEqual(expect.objectContaining({ field: "body" }));
    expect(await sqlAs("owner").query("SELECT 1 FROM tenants WHERE slug = $1", [slug])).toEqual([]);
  });

  it("refuses unknown fields when transferring ownership, changing nothing", async () => {
    const owner = await signedIn("owner");
    const member = await signedIn("editor", owner.tenant);
    const response = await sendAs(owner, "POST", "/v1/tenant/transfer-ownership", {
      user_id: member.user.id,
      role: "owner",
    });
    expect(response.status).toBe(400);
    const [row] = await sqlAs("owner").query("SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2", [
      owner.tenant.id,
      owner.user.id,
    ]);
    expect(row).toEqual({ role: "owner" });
  });

  it("keeps a validation problem within its published bounds: at most 100 field errors", () => {
    const result = z.array(z.string()).safeParse(Array(150).fill(0));
    expect(result.success).toBe(false);
    let thrown: unknown;
    try {
      validationHook({ ...result, target: "json" } as Parameters<typeof validationHook>[0], {} as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    const errors = (thrown as ApiError).options.errors ?? [];
    expect(errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(errors[0]).toEqual({ field: "body.0", message: expect.any(String) });
  });

  it("answers the documented 413 and 415 problems", async () => {
    const document = await servedDocument();
    const createCompany = document.paths["/v1/companies"]?.post;
    expect(Object.keys(createCompany?.responses ?? {})).toEqual(expect.arrayContaining(["413", "415", "429", "503"]));
    const editor = await signedIn("editor");
    const tooLarge = await sendAs(editor, "POST", "/v1/companies", { name: "x".repeat(20_000) });
    expect(tooLarge.status).toBe(413);
    expect((await problemOf(tooLarge)).type).toMatch(/payload_too_large$/);
    const notJson = await call("/v1/companies", {
      method: "POST",
      headers: { ...editor.headers, "content-type": "text/plain" },
      body: "name=x",
    });
    expect(notJson.status).toBe(415);
    expect((await problemOf(notJson)).type).toMatch(/unsupported_media_type$/);
  });
});
