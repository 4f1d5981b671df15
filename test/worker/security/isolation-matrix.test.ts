import { beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from "../../../src/app";
import { signDownload } from "../../../src/exports/download-link";
import { TEST_EXPORT_SIGNING_SECRET } from "../constants";
import { deliverExports, requestExport } from "../exports";
import { createApiKeyVia, signedIn } from "../factories";
import { call, sqlAs } from "../harness";
import { bearer } from "../tokens";

type Member = Awaited<ReturnType<typeof signedIn>>;

interface Fixture {
  a: Member;
  aMember: Member;
  aKey: { id: string; key: string };
  aCompany: { id: string };
  aContact: { id: string };
  aJob: { id: string };
  /** An open invitation of A's, with its token. */
  aInvitation: { id: string; token: string };
  /** A workspace of A's, holding aCompany and worked by aMember. */
  aWorkspace: { id: string };
  aEndpoint: { id: string };
  aDelivery: { id: string };
  /** A finished export of A's (its file in R2). */
  aExport: { id: string };
  /** A completed import of A's (written directly: no queue message). */
  aImport: { id: string };
  b: Member;
}

const send = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
  call(path, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** B acting inside A's tenant: B's own token, A's tenant id. */
const bInA = (f: Fixture) => bearer(f.b.token, f.a.tenant.id);

/**
 * How tenant B attacks each route to reach tenant A. Every `/v1` route of the app must be here:
 * a new route without a case fails the coverage test below.
 */
const ATTACKS: Record<string, (f: Fixture) => Promise<void>> = {
  "POST /v1/tenants": async (f) => {
    // Tenantless: B can create its own tenant, never join A's by slug.
    const response = await send("/v1/tenants", "POST", bearer(f.b.token), { slug: f.a.tenant.slug, name: "Take over" });
    expect(response.status).toBe(409);
    expect(JSON.stringify(await response.json())).not.toContain(f.a.tenant.id);
  },
  "POST /v1/tenants/:id/restore": async (f) => {
    // A live tenant B is not in: 404 (not 409), so B cannot even learn whether A is deleted.
    const response = await send(`/v1/tenants/${f.a.tenant.id}/restore`, "POST", f.b.headers);
    expect(response.status).toBe(f.b.token.startsWith("dtk_") ? 403 : 404);
    expect(JSON.stringify(await response.json())).not.toContain(f.a.tenant.slug);
  },
  "GET /v1/me": async (f) => {
    const body = await (await call("/v1/me", { headers: bearer(f.b.token) })).text();
    expect(body).not.toContain(f.a.tenant.id);
  },
  "GET /v1/tenant": async (f) => {
    expect((await call("/v1/tenant", { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/features": async (f) => {
    expect((await call("/v1/features", { headers: bInA(f) })).status).toBe(404);
    // An override for A is A's alone: B's evaluation never shows it.
    const key = `iso_${crypto.randomUUID().slice(0, 8)}`;
    await sqlAs("owner").query("INSERT INTO feature_flags (key) VALUES ($1)", [key]);
    await sqlAs("owner").query(
      "INSERT INTO tenant_feature_flags (flag_key, tenant_id, value, reason) VALUES ($1, $2, '\"a-only\"', 'isolation')",
      [key, f.a.tenant.id],
    );
    const own = (await (await call("/v1/features", { headers: f.b.headers })).json()) as {
      flags: Record<string, { value: unknown; reason: string }>;
    };
    expect(own.flags[key]).toEqual({ value: false, reason: "default", description: "" });
    await sqlAs("owner").query("DELETE FROM feature_flags WHERE key = $1", [key]);
  },
  "GET /v1/tenant/usage": async (f) => {
    expect((await call("/v1/tenant/usage", { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/tenant/usage/history": async (f) => {
    expect((await call("/v1/tenant/usage/history", { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/tenant/subscription": async (f) => {
    expect((await call("/v1/tenant/subscription", { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/plans": async (f) => {
    // Public and the same for everyone: nothing of any tenant in it.
    const body = await (await call("/v1/plans", { headers: bInA(f) })).text();
    expect(body).not.toContain(f.a.tenant.id);
  },
  "POST /v1/billing/checkout": async (f) => {
    const body = { plan: "pro", success_url: "https://b.example/ok", cancel_url: "https://b.example/no" };
    expect((await send("/v1/billing/checkout", "POST", bInA(f), body)).status).toBe(404);
  },
  "POST /v1/billing/portal": async (f) => {
    const body = { return_url: "https://b.example/billing" };
    expect((await send("/v1/billing/portal", "POST", bInA(f), body)).status).toBe(404);
  },
  "GET /v1/billing/invoices": async (f) => {
    expect((await call("/v1/billing/invoices", { headers: bInA(f) })).status).toBe(404);
  },
  "PATCH /v1/tenant": async (f) => {
    expect((await send("/v1/tenant", "PATCH", bInA(f), { name: "Owned by B" })).status).toBe(404);
  },
  "DELETE /v1/tenant": async (f) => {
    expect((await send("/v1/tenant", "DELETE", bInA(f))).status).toBe(404);
  },
  "POST /v1/tenant/transfer-ownership": async (f) => {
    expect((await send("/v1/tenant/transfer-ownership", "POST", bInA(f), { user_id: f.b.user.id })).status).toBe(404);
    // In B's own tenant, A's member is not a member (422); a key may not transfer at all (403).
    const own = await send("/v1/tenant/transfer-ownership", "POST", f.b.headers, { user_id: f.aMember.user.id });
    expect([403, 422]).toContain(own.status);
  },
  "PUT /v1/tenant/identity-provider": async (f) => {
    const body = { issuer: "https://isolation.example/", organization_id: "org_isolated" };
    expect((await send("/v1/tenant/identity-provider", "PUT", bInA(f), body)).status).toBe(404);
  },
  "GET /v1/members": async (f) => {
    expect((await call("/v1/members", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/members?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.a.user.id);
    expect(own).not.toContain(f.aMember.user.id);
  },
  "POST /v1/members": async (f) => {
    expect((await send("/v1/members", "POST", bInA(f), { email: "b@example.test", role: "admin" })).status).toBe(404);
  },
  "GET /v1/invitations": async (f) => {
    expect((await call("/v1/invitations", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/invitations?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.aInvitation.id);
  },
  "POST /v1/invitations": async (f) => {
    expect((await send("/v1/invitations", "POST", bInA(f), { email: "b@example.test", role: "admin" })).status).toBe(
      404,
    );
  },
  "DELETE /v1/invitations/:id": async (f) => {
    expect((await send(`/v1/invitations/${f.aInvitation.id}`, "DELETE", f.b.headers)).status).toBe(404);
    expect((await send(`/v1/invitations/${f.aInvitation.id}`, "DELETE", bInA(f))).status).toBe(404);
  },
  "POST /v1/invitations/accept": async (f) => {
    // Even holding A's token, B (another address, or a key) cannot join, nor learn which tenant it is.
    const response = await send("/v1/invitations/accept", "POST", bearer(f.b.token), { token: f.aInvitation.token });
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).not.toContain(f.a.tenant.id);
    expect(text).not.toContain(f.a.tenant.slug);
  },
  "PATCH /v1/members/:userId": async (f) => {
    expect((await send(`/v1/members/${f.aMember.user.id}`, "PATCH", f.b.headers, { role: "admin" })).status).toBe(404);
    expect((await send(`/v1/members/${f.aMember.user.id}`, "PATCH", bInA(f), { role: "admin" })).status).toBe(404);
  },
  "DELETE /v1/members/:userId": async (f) => {
    expect((await send(`/v1/members/${f.aMember.user.id}`, "DELETE", f.b.headers)).status).toBe(404);
    expect((await send(`/v1/members/${f.aMember.user.id}`, "DELETE", bInA(f))).status).toBe(404);
  },
  "GET /v1/api-keys": async (f) => {
    expect((await call("/v1/api-keys", { headers: bInA(f) })).status).toBe(404);
    expect(await (await call("/v1/api-keys?limit=100", { headers: f.b.headers })).text()).not.toContain(f.aKey.id);
  },
  "POST /v1/api-keys": async (f) => {
    expect((await send("/v1/api-keys", "POST", bInA(f), { name: "x", role: "admin", scopes: ["*"] })).status).toBe(404);
  },
  "DELETE /v1/api-keys/:id": async (f) => {
    expect((await send(`/v1/api-keys/${f.aKey.id}`, "DELETE", f.b.headers)).status).toBe(404);
    expect((await send(`/v1/api-keys/${f.aKey.id}`, "DELETE", bInA(f))).status).toBe(404);
  },
  "GET /v1/companies": async (f) => {
    expect((await call("/v1/companies", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/companies?q=isolated&limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.aCompany.id);
  },
  "POST /v1/companies": async (f) => {
    expect((await send("/v1/companies", "POST", bInA(f), { name: "Planted" })).status).toBe(404);
  },
  "POST /v1/companies/bulk": async (f) => {
    expect((await send("/v1/companies/bulk", "POST", bInA(f), { company_numbers: ["00000001"] })).status).toBe(404);
    // In B's own tenant, "existed" speaks of B's book only, never of A's companies.
    const own = await send("/v1/companies/bulk", "POST", f.b.headers, { company_numbers: ["00000001"] });
    expect(JSON.stringify(await own.json())).not.toContain(f.aCompany.id);
  },
  "POST /v1/imports": async (f) => {
    expect((await send("/v1/imports", "POST", bInA(f), { company_numbers: ["SC000001"] })).status).toBe(404);
  },
  "GET /v1/imports": async (f) => {
    expect((await call("/v1/imports", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/imports?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.aImport.id);
  },
  "GET /v1/imports/:id": async (f) => {
    expect((await call(`/v1/imports/${f.aImport.id}`, { headers: f.b.headers })).status).toBe(404);
    expect((await call(`/v1/imports/${f.aImport.id}`, { headers: bInA(f) })).status).toBe(404);
  },
  // Shared reference data: the same for every tenant, but still only through a tenant B belongs to.
  "GET /v1/register/companies": async (f) => {
    expect((await call("/v1/register/companies", { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/sic-codes": async (f) => {
    expect((await call("/v1/sic-codes", { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/companies/:id": async (f) => {
    expect((await call(`/v1/companies/${f.aCompany.id}`, { headers: f.b.headers })).status).toBe(404);
    expect((await call(`/v1/companies/${f.aCompany.id}`, { headers: bInA(f) })).status).toBe(404);
  },
  "PATCH /v1/companies/:id": async (f) => {
    expect((await send(`/v1/companies/${f.aCompany.id}`, "PATCH", f.b.headers, { name: "Hijacked" })).status).toBe(404);
  },
  "DELETE /v1/companies/:id": async (f) => {
    expect((await send(`/v1/companies/${f.aCompany.id}`, "DELETE", f.b.headers)).status).toBe(404);
  },
  "POST /v1/companies/:id/restore": async (f) => {
    expect((await send(`/v1/companies/${f.aCompany.id}/restore`, "POST", f.b.headers)).status).toBe(404);
  },
  "POST /v1/companies/import": async (f) => {
    expect((await send("/v1/companies/import", "POST", bInA(f), { company_number: "SC000001" })).status).toBe(404);
  },
  "POST /v1/companies/:id/refresh": async (f) => {
    expect((await send(`/v1/companies/${f.aCompany.id}/refresh`, "POST", f.b.headers)).status).toBe(404);
  },
  "GET /v1/companies/:id/contacts": async (f) => {
    expect((await call(`/v1/companies/${f.aCompany.id}/contacts`, { headers: f.b.headers })).status).toBe(404);
    expect((await call(`/v1/companies/${f.aCompany.id}/contacts`, { headers: bInA(f) })).status).toBe(404);
  },
  "POST /v1/companies/:id/contacts": async (f) => {
    const body = { name: "Planted", lawful_basis: "consent" };
    expect((await send(`/v1/companies/${f.aCompany.id}/contacts`, "POST", f.b.headers, body)).status).toBe(404);
  },
  "GET /v1/contacts/:id": async (f) => {
    expect((await call(`/v1/contacts/${f.aContact.id}`, { headers: f.b.headers })).status).toBe(404);
  },
  "PATCH /v1/contacts/:id": async (f) => {
    expect((await send(`/v1/contacts/${f.aContact.id}`, "PATCH", f.b.headers, { name: "Changed" })).status).toBe(404);
  },
  "DELETE /v1/contacts/:id": async (f) => {
    expect((await send(`/v1/contacts/${f.aContact.id}`, "DELETE", f.b.headers)).status).toBe(404);
  },
  "POST /v1/companies/:id/scrape": async (f) => {
    expect((await send(`/v1/companies/${f.aCompany.id}/scrape`, "POST", f.b.headers)).status).toBe(404);
    expect((await send(`/v1/companies/${f.aCompany.id}/scrape`, "POST", bInA(f))).status).toBe(404);
  },
  "GET /v1/companies/:id/changes": async (f) => {
    expect((await call(`/v1/companies/${f.aCompany.id}/changes`, { headers: f.b.headers })).status).toBe(404);
    expect((await call(`/v1/companies/${f.aCompany.id}/changes`, { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/changes": async (f) => {
    expect((await call("/v1/changes", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/changes", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.aCompany.id);
  },
  "GET /v1/companies/:id/signals": async (f) => {
    expect((await call(`/v1/companies/${f.aCompany.id}/signals`, { headers: f.b.headers })).status).toBe(404);
  },
  "POST /v1/exports": async (f) => {
    expect((await send("/v1/exports", "POST", bInA(f), { format: "csv" })).status).toBe(404);
    // B's own export, even naming A's company and workspace, holds none of A's rows.
    for (const filter of [{ q: "Isolated" }, { workspace_id: f.aWorkspace.id }, { company_number: "SC000001" }]) {
      const response = await send("/v1/exports", "POST", f.b.headers, { format: "csv", ...filter });
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ row_count: 0 });
    }
  },
  "GET /v1/exports": async (f) => {
    expect((await call("/v1/exports", { headers: bInA(f) })).status).toBe(404);
    expect(await (await call("/v1/exports?limit=100", { headers: f.b.headers })).text()).not.toContain(f.aExport.id);
  },
  "GET /v1/exports/:id": async (f) => {
    expect((await call(`/v1/exports/${f.aExport.id}`, { headers: f.b.headers })).status).toBe(404);
    expect((await call(`/v1/exports/${f.aExport.id}`, { headers: bInA(f) })).status).toBe(404);
  },
  "GET /v1/exports/:id/download": async (f) => {
    // A valid link of B's own export does not open A's: the signature names the export.
    const own = (await (await send("/v1/exports", "POST", f.b.headers, { format: "csv" })).json()) as { id: string };
    const expires = Math.floor(Date.now() / 1000) + 60;
    const signature = await signDownload(TEST_EXPORT_SIGNING_SECRET, own.id, expires);
    const response = await call(`/v1/exports/${f.aExport.id}/download?expires=${expires}&signature=${signature}`);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("Isolated Industries");
  },
  "GET /v1/scrape-jobs": async (f) => {
    expect((await call("/v1/scrape-jobs", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call(`/v1/scrape-jobs?company_id=${f.aCompany.id}`, { headers: f.b.headers })).json();
    expect(own).toEqual({ items: [], next_cursor: null });
  },
  "GET /v1/scrape-jobs/:id": async (f) => {
    expect((await call(`/v1/scrape-jobs/${f.aJob.id}`, { headers: f.b.headers })).status).toBe(404);
  },
  "POST /v1/scrape-jobs/:id/retry": async (f) => {
    expect((await send(`/v1/scrape-jobs/${f.aJob.id}/retry`, "POST", f.b.headers)).status).toBe(404);
  },
  "GET /v1/privacy/retention": async (f) => {
    expect((await call("/v1/privacy/retention", { headers: bInA(f) })).status).toBe(404);
  },
  "PUT /v1/privacy/retention": async (f) => {
    expect((await send("/v1/privacy/retention", "PUT", bInA(f), { audit_log_days: 365 })).status).toBe(404);
  },
  "POST /v1/privacy/export": async (f) => {
    expect((await send("/v1/privacy/export", "POST", bInA(f), { email: "isolated@example.test" })).status).toBe(404);
    // In B's own tenant, A's contact does not exist.
    const own = await send("/v1/privacy/export", "POST", f.b.headers, { email: "isolated@example.test" });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { contacts: unknown[] }).contacts).toEqual([]);
    expect((await send("/v1/privacy/export", "POST", f.b.headers, { contact_id: f.aContact.id })).status).toBe(404);
  },
  "POST /v1/privacy/erase": async (f) => {
    expect((await send("/v1/privacy/erase", "POST", bInA(f), { email: "isolated@example.test" })).status).toBe(404);
    expect((await send("/v1/privacy/erase", "POST", f.b.headers, { contact_id: f.aContact.id })).status).toBe(404);
    // Erasing the address in B's own tenant leaves A's contact alone (checked by the snapshot).
    expect((await send("/v1/privacy/erase", "POST", f.b.headers, { email: "isolated@example.test" })).status).toBe(200);
  },
  "GET /v1/workspaces": async (f) => {
    expect((await call("/v1/workspaces", { headers: bInA(f) })).status).toBe(404);
    expect(await (await call("/v1/workspaces?limit=100", { headers: f.b.headers })).text()).not.toContain(
      f.aWorkspace.id,
    );
    const own = await call(`/v1/companies?workspace_id=${f.aWorkspace.id}`, { headers: f.b.headers });
    expect(await own.json()).toEqual({ items: [], next_cursor: null });
  },
  "POST /v1/workspaces": async (f) => {
    expect((await send("/v1/workspaces", "POST", bInA(f), { name: "Planted" })).status).toBe(404);
  },
  "PATCH /v1/workspaces/:id": async (f) => {
    expect((await send(`/v1/workspaces/${f.aWorkspace.id}`, "PATCH", f.b.headers, { name: "Hijacked" })).status).toBe(
      404,
    );
  },
  "DELETE /v1/workspaces/:id": async (f) => {
    expect((await send(`/v1/workspaces/${f.aWorkspace.id}`, "DELETE", f.b.headers)).status).toBe(404);
    expect((await send(`/v1/workspaces/${f.aWorkspace.id}`, "DELETE", bInA(f))).status).toBe(404);
  },
  "PUT /v1/workspaces/:id/members/:userId": async (f) => {
    const path = `/v1/workspaces/${f.aWorkspace.id}/members/${f.b.user.id}`;
    expect((await send(path, "PUT", f.b.headers)).status).toBe(404);
    expect((await send(path, "PUT", bInA(f))).status).toBe(404);
  },
  "DELETE /v1/workspaces/:id/members/:userId": async (f) => {
    const path = `/v1/workspaces/${f.aWorkspace.id}/members/${f.aMember.user.id}`;
    expect((await send(path, "DELETE", f.b.headers)).status).toBe(404);
  },
  "PUT /v1/workspaces/:id/companies/:companyId": async (f) => {
    const path = `/v1/workspaces/${f.aWorkspace.id}/companies/${f.aCompany.id}`;
    expect((await send(path, "PUT", f.b.headers)).status).toBe(404);
    expect((await send(path, "PUT", bInA(f))).status).toBe(404);
  },
  "DELETE /v1/workspaces/:id/companies/:companyId": async (f) => {
    const path = `/v1/workspaces/${f.aWorkspace.id}/companies/${f.aCompany.id}`;
    expect((await send(path, "DELETE", f.b.headers)).status).toBe(404);
  },
  "GET /v1/maintenance/runs": async (f) => {
    expect((await call("/v1/maintenance/runs", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/maintenance/runs?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.a.tenant.id);
  },
  "GET /v1/security-events": async (f) => {
    expect((await call("/v1/security-events", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/security-events?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.a.tenant.id);
  },
  "GET /v1/events": async (f) => {
    expect((await call("/v1/events", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/events?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.aCompany.id);
    expect(own).not.toContain(f.a.user.id);
  },
  "POST /v1/webhook-endpoints": async (f) => {
    const body = { url: "https://hooks.example.com/x", enabled_events: ["*"] };
    expect((await send("/v1/webhook-endpoints", "POST", bInA(f), body)).status).toBe(404);
  },
  "GET /v1/webhook-endpoints": async (f) => {
    expect((await call("/v1/webhook-endpoints", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/webhook-endpoints?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.aEndpoint.id);
  },
  "GET /v1/webhook-endpoints/:id": async (f) => {
    expect((await call(`/v1/webhook-endpoints/${f.aEndpoint.id}`, { headers: f.b.headers })).status).toBe(404);
  },
  "PATCH /v1/webhook-endpoints/:id": async (f) => {
    const patch = { url: "https://attacker.example.com/steal" };
    expect((await send(`/v1/webhook-endpoints/${f.aEndpoint.id}`, "PATCH", f.b.headers, patch)).status).toBe(404);
  },
  "DELETE /v1/webhook-endpoints/:id": async (f) => {
    expect((await send(`/v1/webhook-endpoints/${f.aEndpoint.id}`, "DELETE", f.b.headers)).status).toBe(404);
  },
  "POST /v1/webhook-endpoints/:id/rotate-secret": async (f) => {
    const path = `/v1/webhook-endpoints/${f.aEndpoint.id}/rotate-secret`;
    expect((await send(path, "POST", f.b.headers)).status).toBe(404);
  },
  "POST /v1/webhook-endpoints/:id/test": async (f) => {
    expect((await send(`/v1/webhook-endpoints/${f.aEndpoint.id}/test`, "POST", f.b.headers)).status).toBe(404);
  },
  "GET /v1/webhook-endpoints/:id/deliveries": async (f) => {
    const path = `/v1/webhook-endpoints/${f.aEndpoint.id}/deliveries`;
    expect((await call(path, { headers: f.b.headers })).status).toBe(404);
  },
  "POST /v1/webhook-endpoints/:id/deliveries/:delivery_id/retry": async (f) => {
    const path = `/v1/webhook-endpoints/${f.aEndpoint.id}/deliveries/${f.aDelivery.id}/retry`;
    expect((await send(path, "POST", f.b.headers)).status).toBe(404);
  },
  "GET /v1/audit-log": async (f) => {
    expect((await call("/v1/audit-log", { headers: bInA(f) })).status).toBe(404);
    const own = await (await call("/v1/audit-log?limit=100", { headers: f.b.headers })).text();
    expect(own).not.toContain(f.a.tenant.id);
    expect(own).not.toContain(f.aKey.id);
  },
};

/** Tenant A as stored, to prove that none of B's attempts changed it. */
async function snapshotOf(tenantId: string) {
  const sql = sqlAs("owner");
  const [tenant, members, keys, companies, contacts, jobs, invitations, workspaces, endpoints, exports, imports] =
    await sql.transaction([
      sql.query("SELECT slug, name, deleted_at FROM tenants WHERE id = $1", [tenantId]),
      sql.query("SELECT user_id, role FROM memberships WHERE tenant_id = $1 ORDER BY user_id", [tenantId]),
      sql.query("SELECT id, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id", [tenantId]),
      sql.query("SELECT id, name, version, deleted_at FROM companies WHERE tenant_id = $1 ORDER BY id", [tenantId]),
      sql.query("SELECT id, company_id, name, version, deleted_at FROM contacts WHERE tenant_id = $1 ORDER BY id", [
        tenantId,
      ]),
      sql.query("SELECT id, status, attempts FROM scrape_jobs WHERE tenant_id = $1 ORDER BY id", [tenantId]),
      sql.query("SELECT id, accepted_at, revoked_at FROM invitations WHERE tenant_id = $1 ORDER BY id", [tenantId]),
      sql.query(
        `SELECT w.id, w.name, array(SELECT user_id::text FROM workspace_members m WHERE m.workspace_id = w.id ORDER BY 1) AS members,
              array(SELECT company_id::text FROM workspace_companies c WHERE c.workspace_id = w.id ORDER BY 1) AS companies
         FROM workspaces w WHERE w.tenant_id = $1 ORDER BY w.id`,
        [tenantId],
      ),
      sql.query(
        `SELECT id, url, enabled, enabled_events, secret, previous_secret FROM webhook_endpoints
        WHERE tenant_id = $1 ORDER BY id`,
        [tenantId],
      ),
      sql.query("SELECT id, status, row_count FROM export_jobs WHERE tenant_id = $1 ORDER BY id", [tenantId]),
      sql.query("SELECT id, status, total FROM imports WHERE tenant_id = $1 ORDER BY id", [tenantId]),
    ]);
  return { tenant, members, keys, companies, contacts, jobs, invitations, workspaces, endpoints, exports, imports };
}

describe("tenant isolation matrix", () => {
  const routes = createApp()
    .routes.filter((route) => route.path.startsWith("/v1/") && route.method !== "ALL")
    .map((route) => `${route.method} ${route.path}`);

  it("covers every /v1 route of the app", () => {
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((route) => !(route in ATTACKS));
    expect(missing, "routes without an isolation case").toEqual([]);
  });

  describe.each(["jwt", "api key"] as const)("tenant B (%s) against tenant A", (credential) => {
    let f: Fixture;
    let before: Awaited<ReturnType<typeof snapshotOf>>;
    beforeAll(async () => {
      const a = await signedIn("owner");
      const aMember = await signedIn("viewer", a.tenant);
      const aKey = await createApiKeyVia(a, { role: "admin", scopes: ["*"] });
      let b = await signedIn("owner");
      if (credential === "api key") {
        const bKey = await createApiKeyVia(b, { role: "admin", scopes: ["*"] });
        b = { ...b, token: bKey.key, headers: bearer(bKey.key) };
      }
      const aEndpoint = (await (
        await send("/v1/webhook-endpoints", "POST", a.headers, {
          url: `${inject("webhookReceiverUrl")}/hooks/isolation-${credential.replace(" ", "-")}`,
          enabled_events: ["company.created"],
        })
      ).json()) as { id: string };
      const aCompany = (await (
        await send("/v1/companies", "POST", a.headers, { name: "Isolated Industries Ltd", company_number: "SC000001" })
      ).json()) as { id: string };
      const [aDelivery] = (await sqlAs("owner").query("SELECT id FROM webhook_deliveries WHERE endpoint_id = $1", [
        aEndpoint.id,
      ])) as { id: string }[];
      if (!aDelivery) throw new Error("no delivery");
      const aContact = (await (
        await send(`/v1/companies/${aCompany.id}/contacts`, "POST", a.headers, {
          name: "Isolated Person",
          email: "isolated@example.test",
          lawful_basis: "legitimate_interests",
        })
      ).json()) as { id: string };
      // A failed job (written directly: no queue message, no scrape).
      const [aJob] = (await sqlAs("owner").query(
        "INSERT INTO scrape_jobs (tenant_id, company_id, url, status) VALUES ($1, $2, 'https://isolated.example', 'failed') RETURNING id",
        [a.tenant.id, aCompany.id],
      )) as { id: string }[];
      if (!aJob) throw new Error("no job");
      const aInvitation = (await (
        await send("/v1/invitations", "POST", a.headers, { email: "invited@example.test", role: "viewer" })
      ).json()) as { id: string; token: string };
      const aWorkspace = (await (await send("/v1/workspaces", "POST", a.headers, { name: "Isolated" })).json()) as {
        id: string;
      };
      await send(`/v1/workspaces/${aWorkspace.id}/companies/${aCompany.id}`, "PUT", a.headers);
      await send(`/v1/workspaces/${aWorkspace.id}/members/${aMember.user.id}`, "PUT", a.headers);
      const aExport = await requestExport(a, { format: "csv", include: ["contacts"] });
      await deliverExports([aExport.id]);
      const [aImport] = (await sqlAs("owner").query(
        "INSERT INTO imports (tenant_id, status, total, failed) VALUES ($1, 'completed', 1, 1) RETURNING id",
        [a.tenant.id],
      )) as { id: string }[];
      if (!aImport) throw new Error("no import");
      f = {
        a,
        aMember,
        aKey,
        aCompany,
        aContact,
        aJob,
        aInvitation,
        aWorkspace,
        aEndpoint,
        aDelivery,
        aExport,
        aImport,
        b,
      };
      before = await snapshotOf(a.tenant.id);
    });

    it.each(Object.keys(ATTACKS))("%s: 404 or empty, never A's data, never a write to A", async (route) => {
      const attack = ATTACKS[route];
      if (!attack) throw new Error(`no case for ${route}`);
      if (credential === "api key" && (route === "POST /v1/tenants" || route === "GET /v1/me")) {
        // Keys cannot act as a person at all.
        const [method, path] = route.split(" ") as [string, string];
        const body = method === "POST" ? { slug: "x-key", name: "x" } : undefined;
        expect((await send(path, method, f.b.headers, body)).status).toBe(403);
      } else {
        await attack(f);
      }
      expect(await snapshotOf(f.a.tenant.id)).toEqual(before);
    });
  });
});
