import { describe, expect, it } from "vitest";
import { createApiKeyVia, signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, sqlAs } from "../harness";
import { siteOrigin } from "../scrape";
import { hsToken } from "../tokens";

/** One API request = one HTTP round trip to the database, reads and writes (audit included). */
describe("database round trips per request", () => {
  it("is exactly one for every read and write", async () => {
    const owner = await signedIn("owner");
    const member = await signedIn("viewer", owner.tenant);
    // Room for the invitations below (free's three seats count open invitations too).
    await sqlAs("owner").query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [owner.tenant.id]);
    const key = await createApiKeyVia(owner, { role: "viewer", scopes: ["*"] });
    const company = (await (
      await call("/v1/companies", {
        method: "POST",
        headers: { ...owner.headers, "content-type": "application/json" },
        // A local fake site: the scrape request's job really runs, in the background.
        body: JSON.stringify({ name: "Scraped Ltd", website: siteOrigin("via-queue") }),
      })
    ).json()) as { id: string };
    const requests: [string, string, unknown?][] = [
      ["GET", "/v1/me"],
      ["GET", "/v1/tenant"],
      ["GET", "/v1/features"],
      ["PATCH", "/v1/tenant", { name: "Round trip" }],
      ["GET", "/v1/members"],
      ["POST", "/v1/members", { email: `rt-${crypto.randomUUID()}@example.test`, role: "viewer" }],
      ["POST", "/v1/invitations", { email: `rt-${crypto.randomUUID()}@example.test`, role: "viewer" }],
      ["GET", "/v1/invitations"],
      ["PATCH", `/v1/members/${member.user.id}`, { role: "editor" }],
      ["DELETE", `/v1/members/${member.user.id}`],
      ["GET", "/v1/api-keys"],
      ["POST", "/v1/api-keys", { name: "rt", role: "viewer", scopes: ["*"] }],
      ["DELETE", `/v1/api-keys/${key.id}`],
      ["GET", "/v1/audit-log"],
      ["GET", "/v1/security-events"],
      ["POST", "/v1/companies", { name: "Round Trip Ltd" }],
      ["GET", "/v1/companies?q=round%20trip"],
      ["GET", "/v1/register/companies?sic_section=J&postcode_area=EC"],
      ["GET", "/v1/sic-codes?q=software"],
      ["POST", "/v1/companies/bulk", { company_numbers: ["00000001", "SC000007"] }],
      ["GET", `/v1/companies/${company.id}`],
      [
        "POST",
        `/v1/companies/${company.id}/contacts`,
        { name: "Pat", email: "pat@scraped.example", lawful_basis: "consent" },
      ],
      ["GET", `/v1/companies/${company.id}/contacts`],
      ["POST", `/v1/companies/${company.id}/scrape`],
      ["GET", "/v1/scrape-jobs"],
      ["POST", "/v1/exports", { format: "csv", include: ["contacts", "signals"] }],
      ["GET", "/v1/exports"],
      ["GET", `/v1/companies/${company.id}/signals`],
      ["GET", `/v1/companies/${company.id}/changes`],
      ["GET", "/v1/changes?type=status_changed"],
      ["GET", "/v1/privacy/retention"],
      ["PUT", "/v1/privacy/retention", { audit_log_days: 500 }],
      ["POST", "/v1/privacy/export", { email: "pat@scraped.example" }],
      ["POST", "/v1/privacy/erase", { email: "pat@scraped.example" }],
      ["GET", "/v1/maintenance/runs"],
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
