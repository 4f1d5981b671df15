import { describe, expect, it } from "vitest";
import { createdInvitationSchema } from "../../../src/routes/invitations/schemas";
import { memberSchema } from "../../../src/routes/members/schemas";
import { createUser, signedIn } from "../factories";
import { call, problemOf, sqlAs } from "../harness";
import { hsToken } from "../tokens";

const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  call(path, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("GET /v1/members", () => {
  it("pages through the members, oldest first, with a stable cursor", async () => {
    const owner = await signedIn("owner");
    for (const role of ["viewer", "editor", "admin"] as const) await signedIn(role, owner.tenant);
    const first = await call("/v1/members?limit=3", { headers: owner.headers });
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { items: unknown[]; next_cursor: string | null };
    expect(page1.items).toHaveLength(3);
    for (const item of page1.items) memberSchema.parse(item);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const second = await call(`/v1/members?limit=3&cursor=${page1.next_cursor}`, { headers: owner.headers });
    const page2 = (await second.json()) as { items: { user_id: string }[]; next_cursor: string | null };
    expect(page2.items).toHaveLength(1);
    expect(page2.next_cursor).toBeNull();
    const ids = [...page1.items, ...page2.items].map((m) => (m as { user_id: string }).user_id);
    expect(new Set(ids).size).toBe(4);
  });

  it("rejects a forged cursor and an out-of-range limit", async () => {
    const owner = await signedIn("owner");
    expect((await call("/v1/members?cursor=bm9wZQ", { headers: owner.headers })).status).toBe(400);
    const problem = await problemOf(await call("/v1/members?limit=1000", { headers: owner.headers }));
    expect(problem.errors?.[0]?.field).toBe("query.limit");
  });
});

describe("POST /v1/members", () => {
  it("invites instead of adding: nobody is a member until they accept", async () => {
    const admin = await signedIn("admin");
    const user = await createUser();
    const [row] = await sqlAs("owner").query("SELECT email FROM users WHERE id = $1", [user.id]);
    const response = await send("POST", "/v1/members", admin.headers, { email: String(row?.email), role: "editor" });
    expect(response.status).toBe(202);
    expect(response.headers.get("location")).toMatch(/^\/v1\/invitations\/[0-9a-f-]{36}$/);
    expect(createdInvitationSchema.parse(await response.json())).toMatchObject({ role: "editor", status: "pending" });
    const members = (await (await call("/v1/members", { headers: admin.headers })).json()) as {
      items: { user_id: string }[];
    };
    expect(members.items.map((m) => m.user_id)).not.toContain(user.id);
  });

  it("needs an email; user_id and the owner role are refused", async () => {
    const admin = await signedIn("admin");
    const user = await createUser();
    expect((await send("POST", "/v1/members", admin.headers, { role: "viewer" })).status).toBe(400);
    expect((await send("POST", "/v1/members", admin.headers, { user_id: user.id, role: "viewer" })).status).toBe(400);
    expect((await send("POST", "/v1/members", admin.headers, { email: "a@example.test", role: "owner" })).status).toBe(
      400,
    );
  });
});

describe("PATCH and DELETE /v1/members/{userId}", () => {
  it("changes a role; the change applies to the member's next request", async () => {
    const admin = await signedIn("admin");
    const editor = await signedIn("editor", admin.tenant);
    const response = await send("PATCH", `/v1/members/${editor.user.id}`, admin.headers, { role: "admin" });
    expect(response.status).toBe(200);
    expect(memberSchema.parse(await response.json()).role).toBe("admin");
    expect((await call("/v1/api-keys", { headers: editor.headers })).status).toBe(200);
    await send("PATCH", `/v1/members/${editor.user.id}`, admin.headers, { role: "viewer" });
    expect((await call("/v1/api-keys", { headers: editor.headers })).status).toBe(403);
  });

  it("never lets an admin touch an owner, and never loses the last owner", async () => {
    const owner = await signedIn("owner");
    const admin = await signedIn("admin", owner.tenant);
    expect((await send("PATCH", `/v1/members/${owner.user.id}`, admin.headers, { role: "viewer" })).status).toBe(403);
    expect((await send("DELETE", `/v1/members/${owner.user.id}`, admin.headers)).status).toBe(403);
    const demoteSelf = await send("PATCH", `/v1/members/${owner.user.id}`, owner.headers, { role: "admin" });
    expect(demoteSelf.status).toBe(409);
    expect((await problemOf(demoteSelf)).detail).toContain("last owner");
    expect((await send("DELETE", `/v1/members/${owner.user.id}`, owner.headers)).status).toBe(409);
  });

  it("removes a member, who is refused on their very next request", async () => {
    const admin = await signedIn("admin");
    const viewer = await signedIn("viewer", admin.tenant);
    expect((await call("/v1/tenant", { headers: viewer.headers })).status).toBe(200);
    expect((await send("DELETE", `/v1/members/${viewer.user.id}`, admin.headers)).status).toBe(204);
    expect((await call("/v1/tenant", { headers: viewer.headers })).status).toBe(404);
    expect((await send("DELETE", `/v1/members/${viewer.user.id}`, admin.headers)).status).toBe(404);
  });

  it("answers 404 for a user who is not a member and 400 for a malformed id", async () => {
    const admin = await signedIn("admin");
    const stranger = await createUser();
    expect((await send("PATCH", `/v1/members/${stranger.id}`, admin.headers, { role: "viewer" })).status).toBe(404);
    expect((await send("PATCH", "/v1/members/not-a-uuid", admin.headers, { role: "viewer" })).status).toBe(400);
  });
});

describe("GET /v1/me", () => {
  it("keeps only verified email addresses, so an invitation cannot be taken by an impostor", async () => {
    const subject = `impostor|${crypto.randomUUID()}`;
    const email = `ceo-${crypto.randomUUID().slice(0, 8)}@bigcorp.example`;
    const token = await hsToken(subject, { claims: { email, email_verified: false } });
    const me = (await (await call("/v1/me", { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      user: { email: string | null };
    };
    expect(me.user.email).toBeNull();
    const admin = await signedIn("admin");
    const invited = await send("POST", "/v1/members", admin.headers, { email, role: "viewer" });
    const invitation = createdInvitationSchema.parse(await invited.json());
    const accepted = await send(
      "POST",
      "/v1/invitations/accept",
      { Authorization: `Bearer ${token}` },
      { token: invitation.token },
    );
    expect(accepted.status).toBe(403);
  });

  it("accepts X-Tenant-Id in any letter case", async () => {
    const member = await signedIn("viewer");
    const token = await hsToken(member.user.subject, { tenantId: member.tenant.id });
    const response = await call("/v1/tenant", {
      headers: { Authorization: `Bearer ${token}`, "X-Tenant-Id": member.tenant.id.toUpperCase() },
    });
    expect(response.status).toBe(200);
  });

  it("creates a first-time user and lists no memberships", async () => {
    const subject = `clerk|${crypto.randomUUID()}`;
    const response = await call("/v1/me", {
      headers: { Authorization: `Bearer ${await hsToken(subject, { email: "me@example.test" })}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: { subject: string; email: string }; memberships: unknown[] };
    expect(body.user).toMatchObject({ subject, email: "me@example.test" });
    expect(body.memberships).toEqual([]);
  });

  it("lists every tenant of the user and keeps email and name current from the claims", async () => {
    const a = await signedIn("owner");
    await signedIn("viewer"); // someone else's tenant, must not appear
    const other = await signedIn("owner");
    await sqlAs("owner").query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'viewer')", [
      other.tenant.id,
      a.user.id,
    ]);
    const token = await hsToken(a.user.subject, { email: "changed@example.test", name: "Changed Name" });
    const body = (await (await call("/v1/me", { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      user: { email: string; name: string };
      memberships: { tenant: { id: string }; role: string }[];
    };
    expect(body.user).toMatchObject({ email: "changed@example.test", name: "Changed Name" });
    expect(body.memberships.map((m) => [m.tenant.id, m.role]).sort()).toEqual(
      [
        [a.tenant.id, "owner"],
        [other.tenant.id, "viewer"],
      ].sort(),
    );
  });
});
