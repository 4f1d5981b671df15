import { describe, expect, it } from "vitest";
import { webhookEndpointSchema, webhookEndpointWithSecretSchema } from "../../../src/routes/webhook-endpoints/schemas";
import { signedIn } from "../factories";
import { call, problemOf, sendAs, sqlAs } from "../harness";
import { Receiver } from "./receiver";

describe("webhook endpoints", () => {
  it("creates an endpoint showing its whsec_ secret once, and keeps only a ciphertext at rest", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    const response = await sendAs(admin, "POST", "/v1/webhook-endpoints", {
      url: receiver.url,
      enabled_events: ["company.created", "contact.deleted"],
      description: "CRM",
    });
    expect(response.status).toBe(201);
    const created = webhookEndpointWithSecretSchema.parse(await response.json());
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url: receiver.url, enabled: true, disabled_reason: null, description: "CRM" });
    expect(response.headers.get("location")).toBe(`/v1/webhook-endpoints/${created.id}`);

    const read = await sendAs(admin, "GET", `/v1/webhook-endpoints/${created.id}`);
    const body = await read.text();
    expect(body).not.toContain(created.secret);
    expect(webhookEndpointSchema.strict().parse(JSON.parse(body)).id).toBe(created.id);
    const listed = await (await sendAs(admin, "GET", "/v1/webhook-endpoints")).text();
    expect(listed).not.toContain(created.secret);

    const [stored] = await sqlAs("owner").query("SELECT secret FROM webhook_endpoints WHERE id = $1", [created.id]);
    expect(stored?.secret).toMatch(/^v1:/);
    expect(stored?.secret).not.toContain(created.secret.slice(6));
    const audit = await sqlAs("owner").query("SELECT metadata::text AS m FROM audit_log WHERE target_id = $1", [
      created.id,
    ]);
    expect(JSON.stringify(audit)).not.toContain("v1:");
  });

  it.each([
    ["a private address", "https://10.1.2.3/hooks"],
    ["another private address", "https://192.168.0.10/hooks"],
    ["the metadata service", "https://169.254.169.254/latest"],
    ["plain http", "http://hooks.example.com/x"],
    ["a non-default port", "https://hooks.example.com:8443/x"],
    ["a local name", "https://intranet.local/x"],
    ["not a URL", "hooks"],
  ])("refuses %s (the scraper's SSRF guard)", async (_, url) => {
    const admin = await signedIn("admin");
    const response = await sendAs(admin, "POST", "/v1/webhook-endpoints", { url, enabled_events: ["*"] });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.[0]?.field).toBe("body.url");
    const [row] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM webhook_endpoints WHERE tenant_id = $1", [
      admin.tenant.id,
    ]);
    expect(row).toEqual({ n: 0 });
  });

  it("refuses unknown event types and an empty list", async () => {
    const admin = await signedIn("admin");
    for (const enabled_events of [["company.exploded"], [], ["webhook.test"]]) {
      const response = await sendAs(admin, "POST", "/v1/webhook-endpoints", {
        url: "https://hooks.example.com/x",
        enabled_events,
      });
      expect(response.status, JSON.stringify(enabled_events)).toBe(400);
    }
  });

  it("updates, disables, re-enables and deletes; another tenant's id is a 404", async () => {
    const admin = await signedIn("admin");
    const created = webhookEndpointWithSecretSchema.parse(
      await (
        await sendAs(admin, "POST", "/v1/webhook-endpoints", {
          url: "https://hooks.example.com/a",
          enabled_events: ["*"],
        })
      ).json(),
    );
    const path = `/v1/webhook-endpoints/${created.id}`;
    const patched = await sendAs(admin, "PATCH", path, { enabled: false, enabled_events: ["company.*"] });
    expect(patched.status).toBe(400);
    const disabled = await sendAs(admin, "PATCH", path, { enabled: false, enabled_events: ["company.updated"] });
    expect(webhookEndpointSchema.parse(await disabled.json())).toMatchObject({
      enabled: false,
      enabled_events: ["company.updated"],
    });
    expect((await sendAs(admin, "PATCH", path, { url: "https://10.0.0.1/x" })).status).toBe(422);
    expect((await sendAs(admin, "PATCH", path, {})).status).toBe(400);
    expect((await sendAs(admin, "POST", `${path}/test`)).status).toBe(409);
    const enabled = await sendAs(admin, "PATCH", path, { enabled: true });
    expect(webhookEndpointSchema.parse(await enabled.json()).enabled).toBe(true);

    const stranger = await signedIn("admin");
    expect((await sendAs(stranger, "GET", path)).status).toBe(404);
    expect((await sendAs(stranger, "DELETE", path)).status).toBe(404);
    expect((await sendAs(admin, "DELETE", path)).status).toBe(204);
    expect((await sendAs(admin, "GET", path)).status).toBe(404);
  });

  it("is an admin's: an editor may not even list endpoints", async () => {
    const editor = await signedIn("editor");
    expect((await call("/v1/webhook-endpoints", { headers: editor.headers })).status).toBe(403);
  });
});
