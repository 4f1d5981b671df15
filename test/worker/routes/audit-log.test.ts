import { describe, expect, it } from "vitest";
import { auditEntrySchema } from "../../../src/routes/audit-log/list-audit-log";
import { createApiKeyVia, signedIn } from "../factories";
import { call } from "../harness";

type Page = {
  items: { action: string; actor_id: string | null; target_id: string | null }[];
  next_cursor: string | null;
};

describe("GET /v1/audit-log", () => {
  it("shows the tenant's writes with actor and request id, and records its own reading", async () => {
    const admin = await signedIn("admin");
    await createApiKeyVia(admin, { role: "viewer", scopes: ["*"] });
    const response = await call("/v1/audit-log", { headers: { ...admin.headers, "X-Request-Id": "audit-read-0001" } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    for (const item of page.items) auditEntrySchema.parse(item);
    expect(page.items.map((i) => i.action)).toContain("api_key.created");
    expect(page.items.find((i) => i.action === "api_key.created")?.actor_id).toBe(admin.user.id);

    const again = (await (
      await call("/v1/audit-log?action=audit_log.read", { headers: admin.headers })
    ).json()) as Page;
    expect(again.items).toHaveLength(1);
    expect(again.items[0]).toMatchObject({ action: "audit_log.read", actor_id: admin.user.id });
  });

  it("never shows another tenant's entries", async () => {
    const a = await signedIn("admin");
    const b = await signedIn("admin");
    const keyOfA = await createApiKeyVia(a, { role: "viewer", scopes: ["*"] });
    const page = (await (await call("/v1/audit-log?limit=100", { headers: b.headers })).json()) as Page;
    expect(page.items.map((i) => i.target_id)).not.toContain(keyOfA.id);
  });

  it("filters by action, target and time range, and pages", async () => {
    const admin = await signedIn("admin");
    for (let i = 0; i < 3; i++) await createApiKeyVia(admin, { role: "viewer", scopes: ["*"], name: `k${i}` });
    const first = (await (
      await call("/v1/audit-log?action=api_key.created&limit=2", { headers: admin.headers })
    ).json()) as Page;
    expect(first.items).toHaveLength(2);
    const second = (await (
      await call(`/v1/audit-log?action=api_key.created&limit=2&cursor=${first.next_cursor}`, { headers: admin.headers })
    ).json()) as Page;
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    const target = first.items[0]?.target_id ?? "";
    const byTarget = (await (
      await call(`/v1/audit-log?target_id=${target}`, { headers: admin.headers })
    ).json()) as Page;
    expect(byTarget.items.map((i) => i.target_id)).toEqual([target]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = (await (await call(`/v1/audit-log?from=${future}`, { headers: admin.headers })).json()) as Page;
    expect(none.items).toEqual([]);
  });

  it("is for admins", async () => {
    const editor = await signedIn("editor");
    expect((await call("/v1/audit-log", { headers: editor.headers })).status).toBe(403);
  });
});
