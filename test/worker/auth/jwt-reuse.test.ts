import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../../src/app";
import { signedIn } from "../factories";
import { BASE_URL, call, callWithEnv, problemOf } from "../harness";
import { bearer, hsToken } from "../tokens";

// The Worker remembers tokens it has accepted (src/auth/jwt.ts): these are the limits of that.
describe("a token accepted before", () => {
  afterEach(() => vi.useRealTimers());

  it("is accepted again, and still refused once it has expired", async () => {
    const member = await signedIn("viewer");
    const token = await hsToken(member.user.subject, { expiresIn: 120 });
    const me = () => call("/v1/tenant", { headers: bearer(token, member.tenant.id) });
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    // Past exp and the 30 s clock tolerance: refused before the database is asked anything.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 151_000);
    const late = await me();
    expect(late.status).toBe(401);
    expect((await problemOf(late)).detail).toBe("The token has expired.");
  });

  it("is refused where another secret is configured", async () => {
    const member = await signedIn("viewer");
    const token = await hsToken(member.user.subject);
    const init = { headers: bearer(token, member.tenant.id) };
    expect((await call("/v1/tenant", init)).status).toBe(200);
    const elsewhere = await callWithEnv(
      { JWT_SECRET: "another-secret-that-is-at-least-32-characters" },
      "/v1/tenant",
      init,
    );
    expect(elsewhere.status).toBe(401);
  });

  it("with JWT_MAX_AGE_S, is refused once older than that", async () => {
    const member = await signedIn("viewer");
    const token = await hsToken(member.user.subject, { expiresIn: 3600 });
    // One env object for both requests, as in production (an isolate's env lives as long as it).
    const app = createApp();
    const withMaxAge = { ...env, JWT_MAX_AGE_S: "60" };
    const me = () =>
      app.fetch(
        new Request(`${BASE_URL}/v1/tenant`, { headers: bearer(token, member.tenant.id) }),
        withMaxAge,
        createExecutionContext(),
      );
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 91_000);
    const late = await me();
    expect(late.status).toBe(401);
    expect((await problemOf(late)).detail).toBe("The token is older than this API accepts.");
  });
});
