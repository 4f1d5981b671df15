import { describe, expect, it } from "vitest";
import { mintDevToken } from "../../../scripts/lib/jwt";
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from "../constants";
import { signedIn } from "../factories";
import { call } from "../harness";

/** The token `npm run dev` prints and `npm run token` mints is one the API accepts. */
describe("dev tokens", () => {
  it("work against the tenant endpoints, the tenant coming from the claim", async () => {
    const owner = await signedIn("owner");
    const token = await mintDevToken({
      secret: TEST_JWT_SECRET,
      subject: owner.user.subject,
      tenantId: owner.tenant.id,
      issuer: TEST_JWT_ISSUER,
      audience: TEST_JWT_AUDIENCE,
      email: "dev@example.test",
    });
    const headers = { Authorization: `Bearer ${token}` };
    expect((await call("/v1/me", { headers })).status).toBe(200);
    expect((await call("/v1/tenant", { headers })).status).toBe(200);
    expect((await call("/v1/members", { headers })).status).toBe(200);
  });
});
