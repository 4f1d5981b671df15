import { describe, expect, it } from "vitest";
import { healthSchema } from "../../../src/routes/system/health";
import { call, databaseRoundTrips, newRequestId } from "../harness";

describe("GET /health", () => {
  it("answers ok without touching the database", async () => {
    const requestId = newRequestId();
    const response = await call("/health", { headers: { "X-Request-Id": requestId } });
    expect(response.status).toBe(200);
    expect(healthSchema.parse(await response.json())).toEqual({ status: "ok" });
    expect(await databaseRoundTrips(requestId)).toBe(0);
  });

  it("answers HEAD like GET, without a body", async () => {
    const response = await call("/health", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});
