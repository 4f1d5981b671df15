import { describe, expect, inject, it } from "vitest";
import { createdInvitationSchema, invitationSchema } from "../../../src/routes/invitations/schemas";
import { FAKE_EMAIL_API_TOKEN } from "../constants";
import { createApiKeyVia, createTenantWithMember, signedIn } from "../factories";
import { call, callWithEnv, databaseRoundTrips, newRequestId, problemOf, sendAs, sqlAs } from "../harness";
import { bearer, hsToken } from "../tokens";

const unique = () => crypto.randomUUID().slice(0, 8);

/** What the fake email provider received (test/servers/fake-email-provider.ts). */
interface SentEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** Someone who has never signed in, with a token carrying their verified address. */
async function invitee(email = `new-${unique()}@example.test`) {
  const subject = `invitee|${unique()}`;
  return { email, subject, headers: bearer(await hsToken(subject, { email })) };
}

async function inviteVia(admin: { headers: Record<string, string> }, email: string, role = "editor") {
  const response = await sendAs(admin, "POST", "/v1/invitations", { email, role });
  expect(response.status).toBe(201);
  return createdInvitationSchema.parse(await response.json());
}

const accept = (who: { headers: Record<string, string> }, token: string | null) =>
  sendAs(who, "POST", "/v1/invitations/accept", { token });

const membersOf = async (tenantId: string) =>
  (await sqlAs("owner").query("SELECT user_id::text, role FROM memberships WHERE tenant_id = $1 ORDER BY 1", [
    tenantId,
  ])) as { user_id: string; role: string }[];

describe("POST /v1/invitations, then POST /v1/invitations/accept", () => {
  it("without an email provider hands the link back once; the invitee accepts and is a member", async () => {
    const admin = await signedIn("admin");
    const person = await invitee();
    const created = await inviteVia(admin, person.email.toUpperCase(), "editor");
    expect(created).toMatchObject({ status: "pending", role: "editor", delivery: "link", invited_by: admin.user.id });
    expect(created.token).toMatch(/^dti_[A-Za-z0-9_-]{43}$/);
    expect(created.accept_url).toBe(`https://app.detecktiv.co.uk/invitations/accept?token=${created.token}`);
    const days = (Date.parse(created.expires_at) - Date.parse(created.created_at)) / 86_400_000;
    expect(days).toBeCloseTo(7, 2);
    // Stored hashed: the token itself is nowhere in the database.
    const [stored] = await sqlAs("owner").query("SELECT token_hash FROM invitations WHERE id = $1", [created.id]);
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.token_hash).not.toContain(String(created.token).slice(4));

    const listed = await call("/v1/invitations", { headers: admin.headers });
    const page = (await listed.json()) as { items: unknown[] };
    const [first] = page.items.map((item) => invitationSchema.parse(item));
    expect(first).toMatchObject({ id: created.id, status: "pending" });
    expect(first).not.toHaveProperty("token");

    const requestId = newRequestId();
    const accepted = await sendAs(
      person,
      "POST",
      "/v1/invitations/accept",
      { token: created.token },
      {
        "X-Request-Id": requestId,
      },
    );
    expect(accepted.status).toBe(200);
    expect(await databaseRoundTrips(requestId)).toBe(1);
    expect(await accepted.json()).toMatchObject({ tenant: { id: admin.tenant.id }, role: "editor" });
    const tenant = await call("/v1/tenant", { headers: { ...person.headers, "X-Tenant-Id": admin.tenant.id } });
    expect(tenant.status).toBe(200);
    const [audit] = await sqlAs("owner").query(
      `SELECT a.actor_id::text FROM audit_log a JOIN users u ON u.id::text = a.target_id
        WHERE a.tenant_id = $1 AND a.action = 'membership.created' AND u.subject = $2`,
      [admin.tenant.id, person.subject],
    );
    expect(audit?.actor_id).toEqual(expect.any(String));
    const after = (await (await call("/v1/invitations", { headers: admin.headers })).json()) as {
      items: { status: string }[];
    };
    expect(after.items[0]?.status).toBe("accepted");

    // Single use.
    const again = await accept(person, created.token);
    expect(again.status).toBe(409);
    expect((await problemOf(again)).detail).toContain("already been used");
  });

  it("refuses another address, an unverified one and an API key, and adds nobody", async () => {
    const admin = await signedIn("admin");
    const created = await inviteVia(admin, `target-${unique()}@example.test`);
    const before = await membersOf(admin.tenant.id);
    const other = await invitee();
    const wrong = await accept(other, created.token);
    expect(wrong.status).toBe(403);
    expect((await problemOf(wrong)).detail).toContain("another email address");
    const unverifiedToken = await hsToken(`x|${unique()}`, {
      claims: { email: created.email, email_verified: false },
    });
    const unverified = await accept({ headers: bearer(unverifiedToken) }, created.token);
    expect(unverified.status).toBe(403);
    expect((await problemOf(unverified)).detail).toContain("verified email");
    const key = await createApiKeyVia(admin, { role: "admin", scopes: ["*"] });
    expect((await accept({ headers: { "X-API-Key": key.key } }, created.token)).status).toBe(403);
    expect(await membersOf(admin.tenant.id)).toEqual(before);
  });

  it("a revoked, replaced, expired or unknown token is a clear 4xx", async () => {
    const admin = await signedIn("admin");
    const person = await invitee();
    const first = await inviteVia(admin, person.email);
    const second = await inviteVia(admin, person.email, "viewer");
    const replaced = await accept(person, first.token);
    expect(replaced.status).toBe(410);
    expect((await problemOf(replaced)).detail).toContain("revoked or replaced");

    expect((await sendAs(admin, "DELETE", `/v1/invitations/${second.id}`)).status).toBe(204);
    expect((await accept(person, second.token)).status).toBe(410);
    expect((await sendAs(admin, "DELETE", `/v1/invitations/${second.id}`)).status).toBe(204);

    const third = await inviteVia(admin, person.email);
    await sqlAs("owner").query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1", [
      third.id,
    ]);
    const expired = await accept(person, third.token);
    expect(expired.status).toBe(410);
    expect((await problemOf(expired)).detail).toContain("expired");
    const listed = (await (await call("/v1/invitations", { headers: admin.headers })).json()) as {
      items: { id: string; status: string }[];
    };
    expect(listed.items.find((item) => item.id === third.id)?.status).toBe("expired");

    expect((await accept(person, `dti_${"A".repeat(43)}`)).status).toBe(404);
    expect((await accept(person, "not-a-token")).status).toBe(404);
    expect((await accept(person, null)).status).toBe(400);
    expect(await membersOf(admin.tenant.id)).toHaveLength(1);
  });

  it("409 for an address already a member's here; owner role and user_id are not accepted", async () => {
    const admin = await signedIn("admin");
    const [row] = await sqlAs("owner").query("SELECT email FROM users WHERE id = $1", [admin.user.id]);
    const mine = await sendAs(admin, "POST", "/v1/invitations", { email: row?.email, role: "viewer" });
    expect(mine.status).toBe(409);
    expect((await sendAs(admin, "POST", "/v1/invitations", { email: "a@example.test", role: "owner" })).status).toBe(
      400,
    );
    const byId = await sendAs(admin, "POST", "/v1/members", { user_id: admin.user.id, role: "viewer" });
    expect(byId.status).toBe(400);
  });

  it("needs an admin; another tenant's invitation is a 404", async () => {
    const editor = await signedIn("editor");
    expect((await sendAs(editor, "POST", "/v1/invitations", { email: "x@example.test", role: "viewer" })).status).toBe(
      403,
    );
    const admin = await signedIn("admin");
    const created = await inviteVia(admin, `y-${unique()}@example.test`);
    const stranger = await signedIn("admin");
    expect((await sendAs(stranger, "DELETE", `/v1/invitations/${created.id}`)).status).toBe(404);
    const theirs = (await (await call("/v1/invitations", { headers: stranger.headers })).json()) as {
      items: unknown[];
    };
    expect(theirs.items).toEqual([]);
  });
});

describe("invitation email", () => {
  const emailEnv = () => ({
    EMAIL_API_URL: `${inject("emailProviderUrl")}/emails`,
    EMAIL_API_TOKEN: FAKE_EMAIL_API_TOKEN,
    EMAIL_FROM: "Detecktiv <invitations@detecktiv.test>",
    INVITATION_ACCEPT_URL: "https://app.detecktiv.test/join",
    INVITATION_TTL_DAYS: "2",
  });
  const sentTo = async (email: string) =>
    (await (
      await fetch(`${inject("emailProviderUrl")}/messages?to=${encodeURIComponent(email)}`)
    ).json()) as SentEmail[];
  const post = (env: Record<string, string>, admin: { headers: Record<string, string> }, email: string) =>
    callWithEnv(env, "/v1/invitations", {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/json" },
      body: JSON.stringify({ email, role: "viewer" }),
    });

  it("is sent through the provider; the link is not in the answer, and the emailed one works", async () => {
    const admin = await signedIn("admin");
    const person = await invitee();
    const response = await post(emailEnv(), admin, person.email);
    expect(response.status).toBe(201);
    const created = createdInvitationSchema.parse(await response.json());
    expect(created).toMatchObject({ delivery: "email", token: null, accept_url: null });
    const days = (Date.parse(created.expires_at) - Date.parse(created.created_at)) / 86_400_000;
    expect(days).toBeCloseTo(2, 2);
    const [message] = await sentTo(person.email);
    expect(message).toMatchObject({ from: "Detecktiv <invitations@detecktiv.test>", to: [person.email] });
    const link = /https:\/\/app\.detecktiv\.test\/join\?token=(dti_[A-Za-z0-9_-]{43})/.exec(message?.text ?? "");
    expect(link).not.toBeNull();
    expect((await accept(person, link?.[1] ?? null)).status).toBe(200);
  });

  it("falls back to the link when the provider fails", async () => {
    const admin = await signedIn("admin");
    const email = `down-${unique()}@example.test`;
    await fetch(`${inject("emailProviderUrl")}/mode`, { method: "POST", body: JSON.stringify({ status: 503 }) });
    try {
      const response = await post(emailEnv(), admin, email);
      expect(response.status).toBe(201);
      const created = createdInvitationSchema.parse(await response.json());
      expect(created.delivery).toBe("link");
      expect(created.accept_url).toContain("https://app.detecktiv.test/join?token=dti_");
    } finally {
      await fetch(`${inject("emailProviderUrl")}/mode`, { method: "POST", body: JSON.stringify({ status: 200 }) });
    }
    expect(await sentTo(email)).toEqual([]);
  });

  it("a provider configured without its token is a misconfiguration, named", async () => {
    const admin = await signedIn("admin");
    const { EMAIL_API_TOKEN: _, ...withoutToken } = emailEnv();
    const response = await post(withoutToken, admin, "z@example.test");
    expect(response.status).toBe(500);
  });
});

describe("POST /v1/members no longer tells whether an address is a Detecktiv user", () => {
  it("answers the same for another tenant's user and for an unknown address, and adds neither", async () => {
    const other = await createTenantWithMember("owner");
    const [known] = await sqlAs("owner").query("SELECT email FROM users WHERE id = $1", [other.user.id]);
    const admin = await signedIn("admin");
    const before = await membersOf(admin.tenant.id);
    const shape = async (email: string) => {
      const response = await sendAs(admin, "POST", "/v1/members", { email, role: "viewer" });
      const body = createdInvitationSchema.parse(await response.json());
      return {
        status: response.status,
        keys: Object.keys(body).sort(),
        fixed: { role: body.role, status: body.status, delivery: body.delivery, invited_by: body.invited_by },
        email: body.email,
      };
    };
    const knownAnswer = await shape(String(known?.email));
    const unknownAnswer = await shape(`nobody-${unique()}@example.test`);
    expect(knownAnswer.status).toBe(202);
    expect({ ...knownAnswer, email: null }).toEqual({ ...unknownAnswer, email: null });
    expect(await membersOf(admin.tenant.id)).toEqual(before);
    // The known user's own tenant membership is untouched, and this tenant cannot read them.
    const users = (await (await call("/v1/members", { headers: admin.headers })).json()) as {
      items: { user_id: string }[];
    };
    expect(users.items.map((m) => m.user_id)).not.toContain(other.user.id);
  });
});
