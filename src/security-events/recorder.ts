import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { findPostgresError } from "../db/errors";
import type { ApiError } from "../errors/api-error";
import { describeError } from "../observability/logger";
import { type SecurityEvent, SINK_SHARDS } from "./event";

/** Which security event, if any, a refused request is. Null: an ordinary client error. */
export function securityEventOf(c: Context<AppEnv>, problem: ApiError, error: unknown): SecurityEvent | null {
  const principal = c.get("principal");
  const tenantId = c.get("tenantId") ?? null;
  const address = c.req.header("cf-connecting-ip") ?? null;
  const base = { tenantId, address, keyHash: null };
  const operatorPath = c.req.path.startsWith("/internal/");
  switch (problem.code) {
    case "unauthorized": {
      const missing = !c.req.header("authorization") && !c.req.header("x-api-key");
      const reason = missing
        ? "missing_credentials"
        : operatorPath
          ? "invalid_operator_credentials"
          : principal?.kind === "api_key"
            ? "api_key_rejected"
            : "invalid_token";
      return {
        ...base,
        kind: "authentication_failed",
        reason,
        keyHash: principal?.kind === "api_key" ? principal.keyHash : null,
      };
    }
    case "not_found":
      // Only begin_request's verdict: a tenant that is not the caller's (not an unknown path).
      return findPostgresError(error)?.code === "DT404"
        ? { ...base, kind: "other_tenant_requested", reason: "tenant" }
        : null;
    case "forbidden": {
      if (findPostgresError(error) === undefined) return null;
      const roleChange = c.req.method === "PATCH" && /^\/v1\/members\/[^/]+$/.test(c.req.path);
      return roleChange
        ? { ...base, kind: "role_change_refused", reason: "role" }
        : { ...base, kind: "forbidden", reason: operatorPath ? "operator" : "role_or_scope" };
    }
    case "rate_limited":
      return { ...base, kind: "rate_limited", reason: String(problem.options.extensions?.policy ?? "unknown") };
    case "quota_exceeded":
      // A plan's monthly quota or its seat limit (402): the reason is the metric.
      return { ...base, kind: "quota_exceeded", reason: String(problem.options.extensions?.metric ?? "unknown") };
    default:
      return null;
  }
}

/**
 * Hands the event to its SecurityEventSink after the response (waitUntil): the request pays no
 * database write and no wait for it. Sharded by client address.
 */
export function recordSecurityEvent(c: Context<AppEnv>, event: SecurityEvent): void {
  const namespace = c.env?.SECURITY_EVENTS;
  if (!namespace) return;
  const stub = namespace.get(namespace.idFromName(sinkNameFor(event.address)));
  const sent = stub
    .record([event])
    .catch((cause: unknown) =>
      c.get("logger")?.warn("security event not recorded", describeError(cause, { stack: false })),
    );
  try {
    c.executionCtx.waitUntil(sent);
  } catch {
    // No execution context (some unit tests): the promise still runs.
  }
}

/** The shard a client address's events go to (tests flush it). */
export function sinkNameFor(address: string | null): string {
  let hash = 0;
  for (const char of address ?? "") hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `security-events:${hash % SINK_SHARDS}`;
}
