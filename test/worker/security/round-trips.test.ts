import { describe, expect, it } from "vitest";
import { createApiKeyVia, createUser, signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId } from "../harness";
import { hsToken } from "../tokens";

/** One API request = one HTTP round trip to the database, reads and writes (audit included). */
describe("database round trips per request", () => {
  it("is exactly one for every read and write", async () => {
    const owner = await signedIn("owner");
    const member = await signedIn("viewer", owner.tenant);
    const newUser = await createUser();
    const key = await createApiKeyVia(owner, { role: "viewer", scopes: ["*"] });
    const requests: [string, string, unknown?][] = [
      ["GET", "/v1/me"],
      ["GET", "/v1/tenant"],
      ["PATCH", "/v1/tenant", { name: "Round trip" }],
      ["GET", "/v1/members"],
      ["POST", "/v1/members", { user_id: newUser.id, role: "viewer" }],
      ["PATCH", `/v1/members/${member.user.id}`, { role: "editor" }],
      ["DELETE", `/v1/members/${member.user.id}`],
      ["GET", "/v1/api-keys"],
      ["POST", "/v1/api-keys", { name: "rt", role: "viewer", scopes: ["*"] }],
      ["DELETE", `/v1/api-keys/${key.id}`],
      ["GET", "/v1/audit-log"],
      ["POST", "/v1/companies", { name: "Round Trip Ltd" }],
      ["GET", "/v1/companies?q=round%20trip"],
      ["POST", "/v1/tenants", { slug: `rt-${crypto.randomUUID().slice(0, 8)}`, name: "RT" }],
    ];
    for (const [method, path, body] of requests) {
      const requestId = newRequestId();
      const response = await call(path, {
        method,
        headers: { ...owner.headers, "X-Request-Id": requestId, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(response.status, `${method} ${path}`).toBeLessThan(300);
      expect(await databaseRoundTrips(requestId), `${method} ${path}`).toBe(1);
    }
  });

  it("is one for a refused request too, and none when the edge refuses the token", async () => {
    const viewer = await signedIn("viewer");
    const refused = newRequestId();
    const response = await call("/v1/api-keys", { headers: { ...viewer.headers, "X-Request-Id": refused } });
    expect(response.status).toBe(403);
    expect(await databaseRoundTrips(refused)).toBe(1);

    const bad = newRequestId();
    const token = await hsToken(viewer.user.subject, { expiresIn: -3600 });
    await call("/v1/tenant", { headers: { Authorization: `Bearer ${token}`, "X-Request-Id": bad } });
    expect(await databaseRoundTrips(bad)).toBe(0);
  });
});
