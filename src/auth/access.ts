import type { Role } from "../db/schema/memberships";

/**
 * API-key scopes, one family per resource; `<family>:*` and `*` grant a whole family / all.
 * JWT users have no scopes: their role alone decides.
 */
export const SCOPES = [
  "tenant:read",
  "tenant:write",
  "members:read",
  "members:write",
  "api_keys:read",
  "api_keys:write",
  "audit_log:read",
  "companies:read",
  "companies:write",
  "privacy:read",
  "privacy:write",
  "workspaces:read",
  "workspaces:write",
  "events:read",
  "webhooks:read",
  "webhooks:write",
  "exports:read",
  "exports:write",
] as const;
export type Scope = (typeof SCOPES)[number];

export function isGrantableScope(value: string): boolean {
  if (value === "*") return true;
  if (value.endsWith(":*")) return SCOPES.some((scope) => scope.startsWith(value.slice(0, -1)));
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * What a route needs. `role: null` marks a route that acts for the signed-in user rather than a
 * tenant (creating a tenant, reading one's own profile).
 */
export type Access = { role: Role; scope: Scope } | { role: null; scope: null };
