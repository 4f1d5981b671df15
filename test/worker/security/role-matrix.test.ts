import { describe, expect, it } from "vitest";
import type { Role } from "../factories";
import { createApiKeyVia, createUser, signedIn } from "../factories";
import { call } from "../harness";

const ROLES: Role[] = ["viewer", "editor", "admin", "owner"];
const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

interface World {
  tenantId: string;
  targetUserId: string;
  newUserId: string;
  apiKeyId: string;
}

interface Action {
  name: string;
  minRole: Role;
  ok: number;
  request: (world: World) => { method: string; path: string; body?: unknown };
  /** Brings the tenant into the state the action needs, as its owner. */
  before?: (owner: { headers: Record<string, string> }) => Promise<void>;
}

/** Every privileged action of the API, with the least role that may do it. */
const ACTIONS: Action[] = [
  { name: "read the tenant", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/tenant" }) },
  { name: "list members", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/members" }) },
  { name: "read usage", minRole: "viewer", ok: 200, request: () => ({ method: "GET", path: "/v1/tenant/usage" }) },
  {
    name: "rename the tenant",
    minRole: "admin",
    ok: 200,
    request: () => ({ method: "PATCH", path: "/v1/tenant", body: { name: "Renamed" } }),
  },
  {
    name: "add a member",
    minRole: "admin",
    ok: 201,
    request: (w) => ({ method: "POST", path: "/v1/members", body: { user_id: w.newUserId, role: "viewer" } }),
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
  {
    name: "add a company",
    minRole: "editor",
    ok: 201,
    request: () => ({ method: "POST", path: "/v1/companies", body: { name: "Role Matrix Ltd" } }),
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
    const newUser = await createUser();
    const apiKey = await createApiKeyVia(owner, { role: "viewer", scopes: ["*"] });
    await action.before?.(owner);
    const { method, path, body } = action.request({
      tenantId: owner.tenant.id,
      targetUserId: target.user.id,
      newUserId: newUser.id,
      apiKeyId: apiKey.id,
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
