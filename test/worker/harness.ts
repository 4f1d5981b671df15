import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { neon, neonConfig } from "@neondatabase/serverless";
import { expect, inject } from "vitest";
import { createApp } from "../../src/app";
import type { Env } from "../../src/config/env";
import { requestSigner } from "../../src/db/request-assertion";
import { TEST_DATABASE_ASSERTION_KEY } from "./constants";

export const BASE_URL = "https://api.detecktiv.test";

/** Sends a request through the Worker's real fetch handler (same isolate as the test). */
export async function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE_URL}${path}`, init));
}

/** A JSON request as a member (their bearer token and tenant), with optional extra headers. */
export async function sendAs(
  member: { headers: Record<string, string> },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return call(path, {
    method,
    headers: { ...member.headers, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/**
 * Runs a fresh app against a modified environment. The configuration is parsed once per env
 * object, so the overrides take effect without touching the shared Worker.
 */
export async function callWithEnv(overrides: Partial<Env>, path: string, init?: RequestInit): Promise<Response> {
  return createApp().fetch(new Request(`${BASE_URL}${path}`, init), { ...env, ...overrides }, createExecutionContext());
}

/** A fresh request id, so a test can find its own round trips at the local Neon server. */
export function newRequestId(): string {
  return `test-${crypto.randomUUID()}`;
}

/** How many HTTP round trips to the database carried this request id. */
export async function databaseRoundTrips(requestId: string): Promise<number> {
  const statsUrl = new URL("/__stats", inject("neonEndpoint"));
  statsUrl.searchParams.set("request_id", requestId);
  const response = await fetch(statsUrl);
  const stats = (await response.json()) as { byRequestId: number };
  return stats.byRequestId;
}

/** SQL as a given role, straight to the local Neon server (for fixtures and RLS checks). */
export function sqlAs(role: "owner" | "app_api" | "app_maintenance") {
  neonConfig.fetchEndpoint = inject("neonEndpoint");
  const url = role === "owner" ? inject("ownerDatabaseUrl") : inject("databaseUrl").replace("app_api", role);
  return neon(url);
}

export async function problemOf(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return (await response.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    request_id: string;
    errors?: { field: string; message: string }[];
    [key: string]: unknown;
  };
}

/** Who a raw-SQL test claims to be, as the Worker would sign it. */
export interface TestClaims {
  tenantId?: string | null;
  subject?: string | null;
  keyHash?: string | null;
  role?: string | null;
  readOnly?: boolean;
  requestId?: string;
  /** `worker`: the queue consumer's own identity. */
  kind?: "request" | "worker";
  statementTimeoutMs?: number;
}

/** `[text, params]` of app.begin_request with claims signed by the Worker's test key. */
export async function signedBegin(
  claims: TestClaims,
  signer: { secret?: string; now?: () => number } = {},
): Promise<[string, string[]]> {
  const requestId = claims.requestId ?? "raw-sql-test";
  const timeout = claims.statementTimeoutMs === undefined ? {} : { statement_timeout_ms: claims.statementTimeoutMs };
  const { kid, assertion, signature } = await requestSigner(
    signer.secret ?? TEST_DATABASE_ASSERTION_KEY,
    signer.now,
  ).sign(
    claims.kind === "worker"
      ? { kind: "worker", request_id: requestId, ...timeout }
      : {
          ...timeout,
          kind: "request",
          tenant_id: claims.tenantId ?? null,
          subject: claims.subject ?? null,
          email: null,
          name: null,
          key_hash: claims.keyHash ?? null,
          role: claims.role === undefined ? "viewer" : claims.role,
          scope: null,
          read_only: claims.readOnly ?? false,
          request_id: requestId,
        },
  );
  return ["SELECT * FROM app.begin_request($1, $2, $3)", [kid, assertion, signature]];
}
