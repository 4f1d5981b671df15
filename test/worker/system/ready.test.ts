import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readySchema } from "../../../src/routes/system/ready";
import { call, callWithEnv, databaseRoundTrips, newRequestId, problemOf } from "../harness";

describe("GET /ready", () => {
  it("is ready when the database answers, migrations are current and RLS cannot be bypassed", async () => {
    const response = await call("/ready");
    expect(response.status).toBe(200);
    const body = readySchema.parse(await response.json());
    expect(body.checks).toEqual({ database: "ok", migrations: "current", row_level_security: "enforced" });
    expect(body.migration).toMatch(/^\d{4}_/);
  });

  it("costs exactly one HTTP round trip to the database", async () => {
    const requestId = newRequestId();
    const response = await call("/ready", { headers: { "X-Request-Id": requestId } });
    expect(response.status).toBe(200);
    expect(await databaseRoundTrips(requestId)).toBe(1);
  });

  it("is a 503 problem when the database cannot be reached", async () => {
    const response = await callWithEnv({ NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql" }, "/ready");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const problem = await problemOf(response);
    expect(problem.checks).toEqual({ database: "unreachable" });
  });

  it("is a 503 problem when the connected role could bypass row-level security", async () => {
    const superuserUrl = env.DATABASE_URL?.replace("app_api", "postgres");
    const response = await callWithEnv({ DATABASE_URL: superuserUrl }, "/ready");
    expect(response.status).toBe(503);
    const problem = await problemOf(response);
    expect(problem.checks).toMatchObject({ row_level_security: "bypassed" });
  });

  it("is a 503 problem when the role cannot see the migration history", async () => {
    const response = await callWithEnv(
      { DATABASE_URL: env.DATABASE_URL?.replace("app_api", "app_maintenance") },
      "/ready",
    );
    expect(response.status).toBe(503);
    const problem = await problemOf(response);
    expect(problem.checks).toEqual({ database: "ok", migrations: "missing" });
  });
});
