import { describe, expect, it } from "vitest";
import { identityProviderSchema } from "../../../src/routes/tenants/link-identity-provider";
import { signedIn } from "../factories";
import { callWithEnv, databaseRoundTrips, newRequestId, sendAs, sqlAs } from "../harness";
import { bearer, jwksToken } from "../tokens";

const unique = () => crypto.randomUUID().slice(0, 8);

/** Shaped like Clerk's session tokens: `org_id`, `org_role` ("org:admin"), no audience. */
const CLERK = {
  issuer: "https://clerk.detecktiv.test",
  env: {
    JWT_ISSUER: "https://clerk.detecktiv.test",
    JWT_AUDIENCE: "",
    JWT_TENANT_CLAIM: "org_id",
    JWT_ROLE_CLAIM: "org_role",
    JWT_ROLE_MAP: JSON.stringify({ "org:admin": "admin", "org:member": "viewer" }),
  },
};
/** Shaped like Auth0's: `org_id` from Organizations, roles in a namespaced array claim. */
const AUTH0 = {
  issuer: "https://detecktiv-test.eu.auth0.com/",
  env: {
    JWT_ISSUER: "https://detecktiv-test.eu.auth0.com/",
    JWT_TENANT_CLAIM: "org_id",
    JWT_ROLE_CLAIM: "https://detecktiv.co.uk/roles",
    JWT_ROLE_MAP: JSON.stringify({ "Sales Manager": "editor", "Sales Rep": "viewer" }),
  },
};

async function link(owner: { headers: Record<string, string> }, issuer: string, organizationId: string) {
  return sendAs(owner, "PUT", "/v1/tenant/identity-provider", { issuer, organization_id: organizationId });
}

const membership = async (tenantId: string, subject: string) =>
  sqlAs("owner").query(
    "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND u.subject = $2",
    [tenantId, subject],
  );

describe("identity-provider organisations", () => {
  it("an owner links an organisation per issuer; an organisation names one tenant only", async () => {
    const owner = await signedIn("owner");
    const org = `org_${unique()}`;
    const linked = await link(owner, CLERK.issuer, org);
    expect(linked.status).toBe(200);
    expect(identityProviderSchema.parse(await linked.json())).toMatchObject({
      issuer: CLERK.issuer,
      organization_id: org,
    });
    // Per issuer: linking again replaces.
    const replaced = identityProviderSchema.parse(await (await link(owner, CLERK.issuer, `${org}b`)).json());
    expect(replaced.organization_id).toBe(`${org}b`);
    const other = await signedIn("owner");
    expect((await link(other, CLERK.issuer, `${org}b`)).status).toBe(409);
    const admin = await signedIn("admin", owner.tenant);
    expect((await link(admin, CLERK.issuer, `org_${unique()}`)).status).toBe(403);
    expect((await link(owner, "", org)).status).toBe(400);
  });

  it("a Clerk token carrying a linked org_id acts for the tenant, with just-in-time membership and mapped role", async () => {
    const owner = await signedIn("owner");
    const org = `org_2${unique()}`;
    expect((await link(owner, CLERK.issuer, org)).status).toBe(200);
    const subject = `user_${unique()}`;
    const token = await jwksToken(subject, {
      issuer: CLERK.issuer,
      email: `${subject}@example.test`,
      claims: { org_id: org, org_role: "org:admin", aud: undefined },
    });
    const requestId = newRequestId();
    const response = await callWithEnv(CLERK.env, "/v1/tenant", {
      headers: { ...bearer(token), "X-Request-Id": requestId },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe(owner.tenant.id);
    expect(await databaseRoundTrips(requestId)).toBe(1);
    expect(await membership(owner.tenant.id, subject)).toEqual([{ role: "admin" }]);
    // As an admin of it now: may read the API keys.
    expect((await callWithEnv(CLERK.env, "/v1/api-keys", { headers: bearer(token) })).status).toBe(200);

    const memberSubject = `user_${unique()}`;
    const memberToken = await jwksToken(memberSubject, {
      issuer: CLERK.issuer,
      email: `${memberSubject}@example.test`,
      claims: { org_id: org, org_role: "org:member" },
    });
    expect((await callWithEnv(CLERK.env, "/v1/tenant", { headers: bearer(memberToken) })).status).toBe(200);
    expect(await membership(owner.tenant.id, memberSubject)).toEqual([{ role: "viewer" }]);
    expect((await callWithEnv(CLERK.env, "/v1/api-keys", { headers: bearer(memberToken) })).status).toBe(403);
  });

  it("refuses an unverified user, an unlinked organisation and another tenant's X-Tenant-Id, adding nobody", async () => {
    const owner = await signedIn("owner");
    const org = `org_2${unique()}`;
    await link(owner, CLERK.issuer, org);
    const subject = `user_${unique()}`;
    const unverified = await jwksToken(subject, {
      issuer: CLERK.issuer,
      claims: { org_id: org, org_role: "org:admin", email: `${subject}@example.test`, email_verified: false },
    });
    expect((await callWithEnv(CLERK.env, "/v1/tenant", { headers: bearer(unverified) })).status).toBe(404);
    expect(await membership(owner.tenant.id, subject)).toEqual([]);

    const stranger = `user_${unique()}`;
    const unlinked = await jwksToken(stranger, {
      issuer: CLERK.issuer,
      email: `${stranger}@example.test`,
      claims: { org_id: `org_2${unique()}` },
    });
    expect((await callWithEnv(CLERK.env, "/v1/tenant", { headers: bearer(unlinked) })).status).toBe(404);

    // The same organisation id under another issuer is another organisation.
    const auth0 = await jwksToken(stranger, {
      issuer: AUTH0.issuer,
      email: `${stranger}@example.test`,
      claims: { org_id: org },
    });
    expect((await callWithEnv(AUTH0.env, "/v1/tenant", { headers: bearer(auth0) })).status).toBe(404);

    const elsewhere = await signedIn("owner");
    const verified = await jwksToken(subject, {
      issuer: CLERK.issuer,
      email: `${subject}@example.test`,
      claims: { org_id: org },
    });
    const crossed = await callWithEnv(CLERK.env, "/v1/tenant", { headers: bearer(verified, elsewhere.tenant.id) });
    expect(crossed.status).toBe(404);
    expect(await membership(elsewhere.tenant.id, subject)).toEqual([]);
  });

  it("an Auth0 token maps the highest role of its roles array", async () => {
    const owner = await signedIn("owner");
    const org = `org_${unique()}`;
    await link(owner, AUTH0.issuer, org);
    const subject = `auth0|${unique()}`;
    const token = await jwksToken(subject, {
      issuer: AUTH0.issuer,
      email: `${unique()}@example.test`,
      claims: { org_id: org, "https://detecktiv.co.uk/roles": ["Sales Rep", "Sales Manager", "Owner"] },
    });
    expect((await callWithEnv(AUTH0.env, "/v1/tenant", { headers: bearer(token) })).status).toBe(200);
    expect(await membership(owner.tenant.id, subject)).toEqual([{ role: "editor" }]);
  });
});
