import { describe, expect, it } from "vitest";
import type { Role } from "../factories";
import { createApiKeyVia, signedIn } from "../factories";
import { call, sqlAs } from "../harness";

const ROLES: Role[] = ["viewer", "editor", "admin", "owner"];
const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

interface World {
  tenantId: string;
  targetUserId: string;
  /** An address nobody in the tenant has (an invitation's). */
  newEmail: string;
  apiKeyId: string;
  /** Set by an action's `before` that needs an invitation or a workspace. */
  invitationId?: string;
  workspaceId?: string;
  importId?: string;
}

interface Action {
  name: string;
  minRole: Role;
  ok: number;
  request: (world: World) => { method: string; path: string; body?: unknown };
  /** Brings the tenant into the state the action needs, as its owner. */
  before?: (owner: { headers: Record<string, string>; tenant: { id: string } }) => Promise<Partial<World> | undefined>;
}

/** Every privileged action of the API, with the least role that may do it. */
const ACTIONS: Action[] = [
  { name: "read the tenant", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/tenant" }) },
  { name: "read feature flags", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/features" }) },
  { name: "list members", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/members" }) },
  { name: "read usage", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/tenant/usage" }) },
  {
    name: "rename the tenant",
    minRole: "admin",
    ok: 200,
    request: () => ({ method: "PATCH", path: "/v1/tenant", body: { name: "Renamed" } }),
  },
  {
    name: "add a member (by invitation)",
    minRole: "admin",
    ok: 202,
    request: (w) => ({ method: "POST", path: "/v1/members", body: { email: w.newEmail, role: "viewer" } }),
  },
  {
    name: "list invitations",
    minRole: "admin",
    ok: 200,
    request: () => ({ method: "GET", path: "/v1/invitations" }),
  },
  {
    name: "invite someone",
    minRole: "admin",
    ok: 201,
    request: (w) => ({ method: "POST", path: "/v1/invitations", body: { email: w.newEmail, role: "editor" } }),
  },
  {
    name: "revoke an invitation",
    minRole: "admin",
    ok: 204,
    request: (w) => ({ method: "DELETE", path: `/v1/invitations/${w.invitationId}` }),
    before: async (owner) => {
      const response = await call("/v1/invitations", {
        method: "POST",
        headers: { ...owner.headers, "content-type": "application/json" },
        body: JSON.stringify({ email: `revoke-${crypto.randomUUID()}@example.test`, role: "viewer" }),
      });
      if (response.status !== 201) throw new Error(`inviting: ${response.status}`);
      return { invitationId: ((await response.json()) as { id: string }).id };
    },
  },
  {
    name: "read the subscription",
    minRole: "viewer",
    ok: 200,
    request: () => ({ method: "GET", path: "/v1/tenant/subscription" }),
  },
  {
    name: "read the usage history",
    minRole: "viewer",
    ok: 200,
    request: () => ({ method: "GET", path: "/v1/tenant/usage/history" }),
  },
  {
    name: "list invoices",
    minRole: "admin",
    ok: 200,
    request: () => ({ method: "GET", path: "/v1/billing/invoices" }),
  },
  {
    name: "start a checkout",
    minRole: "owner",
    ok: 201,
    request: () => ({
      method: "POST",
      path: "/v1/billing/checkout",
      body: { plan: "pro", success_url: "https://app.example/ok", cancel_url: "https://app.example/no" },
    }),
  },
  {
    name: "open the billing portal",
    minRole: "owner",
    ok: 201,
    before: async (owner) => {
      await sqlAs("owner").query("INSERT INTO subscriptions (tenant_id, stripe_customer_id) VALUES ($1, $2)", [
        owner.tenant.id,
        `cus_${crypto.randomUUID().slice(0, 12)}`,
      ]);
      return undefined;
    },
    request: () => ({ method: "POST", path: "/v1/billing/portal", body: { return_url: "https://app.example/b" } }),
  },
  {
    name: "change a member's role",
    minRole: "admin",
    ok: 200,
    request: (w) => ({ method: "PATCH", path: `/v1/members/${w.targetUserId}`, body: { role: "editor" } }),
  },
  {
    name: "remove a member",
    minRole: "admin",
    ok: 204,
    request: (w) => ({ method: "DELETE", path: `/v1/members/${w.targetUserId}` }),
  },
  {
    name: "link an identity-provider organisation",
    minRole: "owner",
    ok: 200,
    request: () => ({
      method: "PUT",
      path: "/v1/tenant/identity-provider",
      body: { issuer: "https://roles.example/", organization_id: `org_${crypto.randomUUID()}` },
    }),
  },
  { name: "list workspaces", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/workspaces" }) },
  {
    name: "create a workspace",
    minRole: "admin",
    ok: 201,
    request: () => ({ method: "POST", path: "/v1/workspaces", body: { name: "Territory" } }),
  },
  {
    name: "assign a member to a workspace",
    minRole: "admin",
    ok: 204,
    request: (w) => ({ method: "PUT", path: `/v1/workspaces/${w.workspaceId}/members/${w.targetUserId}` }),
    before: async (owner) => {
      const response = await call("/v1/workspaces", {
        method: "POST",
        headers: { ...owner.headers, "content-type": "application/json" },
        body: JSON.stringify({ name: "Assigned" }),
      });
      if (response.status !== 201) throw new Error(`creating a workspace: ${response.status}`);
      return { workspaceId: ((await response.json()) as { id: string }).id };
    },
  },
  { name: "list API keys", minRole: "admin", ok: 200, request: () => ({ method: "GET", path: "/v1/api-keys" }) },
  {
    name: "create an API key",
    minRole: "admin",
    ok: 201,
    request: () => ({ method: "POST", path: "/v1/api-keys", body: { name: "k", role: "viewer", scopes: ["*"] } }),
  },
  {
    name: "revoke an API key",
    minRole: "admin",
    ok: 204,
    request: (w) => ({ method: "DELETE", path: `/v1/api-keys/${w.apiKeyId}` }),
  },
  { name: "read the audit log", minRole: "admin", ok: 200, request: () => ({ method: "GET", path: "/v1/audit-log" }) },
  {
    name: "read security events",
    minRole: "admin",
    ok: 200,
    request: () => ({ method: "GET", path: "/v1/security-events" }),
  },
  {
    name: "transfer ownership",
    minRole: "owner",
    ok: 204,
    request: (w) => ({ method: "POST", path: "/v1/tenant/transfer-ownership", body: { user_id: w.targetUserId } }),
  },
  { name: "list companies", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/companies" }) },
  { name: "list exports", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/exports" }) },
  {
    name: "export companies",
    minRole: "editor",
    ok: 202,
    request: () => ({ method: "POST", path: "/v1/exports", body: { format: "csv" } }),
  },
  { name: "list changes", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/changes" }) },
  {
    name: "search the UK register",
    minRole: "viewer",
    ok: 200,
    request: () => ({ method: "GET", path: "/v1/register/companies" }),
  },
  { name: "list SIC codes", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/sic-codes" }) },
  {
    name: "add register companies in bulk",
    minRole: "editor",
    ok: 200,
    request: () => ({ method: "POST", path: "/v1/companies/bulk", body: { company_numbers: ["00000001"] } }),
  },
  {
    // Every row malformed: the import completes at once, and no queue work follows.
    name: "import companies in bulk",
    minRole: "editor",
    ok: 202,
    request: () => ({ method: "POST", path: "/v1/imports", body: { company_numbers: ["not a number"] } }),
  },
  { name: "list imports", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/imports" }) },
  {
    name: "read an import",
    minRole: "viewer",
    ok: 200,
    request: (w) => ({ method: "GET", path: `/v1/imports/${w.importId}` }),
    before: async (owner) => {
      const [row] = (await sqlAs("owner").query(
        "INSERT INTO imports (tenant_id, status, total, failed) VALUES ($1, 'completed', 1, 1) RETURNING id",
        [owner.tenant.id],
      )) as { id: string }[];
      return { importId: row?.id };
    },
  },
  {
    name: "add a company",
    minRole: "editor",
    ok: 201,
    request: () => ({ method: "POST", path: "/v1/companies", body: { name: "Role Matrix Ltd" } }),
  },
  { name: "read the event feed", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/events" }) },
  {
    name: "list webhook endpoints",
    minRole: "admin",
    ok: 200,
    request: () => ({ method: "GET", path: "/v1/webhook-endpoints" }),
  },
  {
    name: "add a webhook endpoint",
    minRole: "admin",
    ok: 201,
    request: () => ({
      method: "POST",
      path: "/v1/webhook-endpoints",
      body: { url: "https://hooks.example.com/role-matrix", enabled_events: ["*"] },
    }),
  },
  { name: "delete the tenant", minRole: "owner", ok: 204, request: () => ({ method: "DELETE", path: "/v1/tenant" }) },
  {
    name: "restore the deleted tenant",
    minRole: "owner",
    ok: 200,
    request: (w) => ({ method: "POST", path: `/v1/tenants/${w.tenantId}/restore` }),
    before: async (owner) => {
      const deleted = await call("/v1/tenant", { method: "DELETE", headers: owner.headers });
      if (deleted.status !== 204) throw new Error(`deleting the tenant: ${deleted.status}`);
      return undefined;
    },
  },
];

describe("role matrix", () => {
  const cases = ROLES.flatMap((role) => ACTIONS.map((action) => [role, action] as const));

  it.each(
    cases.map(
      ([role, action]) =>
        [`${role} may${RANK[role] >= RANK[action.minRole] ? "" : " not"} ${action.name}`, role, action] as const,
    ),
  )("%s", async (_, role, action) => {
    const owner = await signedIn("owner");
    const actor = await signedIn(role, owner.tenant);
    const target = await signedIn("viewer", owner.tenant);
    const apiKey = await createApiKeyVia(owner, { role: "viewer", scopes: ["*"] });
    // The fixture's three members fill free's three seats: on pro there is room to invite a fourth.
    await sqlAs("owner").query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [owner.tenant.id]);
    const prepared = await action.before?.(owner);
    const { method, path, body } = action.request({
      tenantId: owner.tenant.id,
      targetUserId: target.user.id,
      newEmail: `invitee-${crypto.randomUUID()}@example.test`,
      apiKeyId: apiKey.id,
      ...prepared,
    });
    const response = await call(path, {
      method,
      headers: { ...actor.headers, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const expected = RANK[role] >= RANK[action.minRole] ? action.ok : 403;
    expect(response.status, `${role} → ${action.name}: ${await response.clone().text()}`).toBe(expected);
  });
});
