import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Env } from "../../../src/config/env";
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER } from "../constants";
import { signedIn } from "../factories";
import { call, callWithEnv, problemOf } from "../harness";
import { bearer, hsToken, jwksToken, type TokenOptions } from "../tokens";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const b64 = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const now = () => Math.floor(Date.now() / 1000);
const claims = (subject: string) => ({ sub: subject, iss: TEST_JWT_ISSUER, aud: TEST_JWT_AUDIENCE, exp: now() + 600 });

async function expectInvalidToken(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe('Bearer realm="detecktiv", error="invalid_token"');
  const problem = await problemOf(response);
  expect(problem.type).toBe("https://detecktiv.co.uk/problems/unauthorized");
  return problem;
}

describe("JWT authentication", () => {
  let member: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    member = await signedIn("viewer");
  });
  const me = (token: string) => call("/v1/tenant", { headers: bearer(token, member.tenant.id) });

  it("accepts a valid HS256 token", async () => {
    expect((await me(await hsToken(member.user.subject))).status).toBe(200);
  });

  it.each(["RS256", "ES256"] as const)("accepts a valid %s token from the JWKS", async (alg) => {
    expect((await me(await jwksToken(member.user.subject, { alg }))).status).toBe(200);
  });

  it("asks for credentials when none are sent", async () => {
    const response = await call("/v1/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="detecktiv"');
  });

  it("refuses another authorization scheme", async () => {
    await expectInvalidToken(await call("/v1/me", { headers: { Authorization: "Basic dXNlcjpwYXNz" } }));
  });

  it("refuses alg: none", async () => {
    await expectInvalidToken(await me(`${b64({ alg: "none", typ: "JWT" })}.${b64(claims(member.user.subject))}.`));
  });

  it("refuses HS256 signed with the identity provider's public key", async () => {
    const jwks = (await (await fetch(inject("jwksUrl"))).json()) as { keys: { kid: string }[] };
    const publicJwk = jwks.keys.find((k) => k.kid === "rsa-1");
    const forged = await new SignJWT(claims(member.user.subject))
      .setProtectedHeader({ alg: "HS256", kid: "rsa-1" })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    await expectInvalidToken(await me(forged));
  });

  it("refuses an expired token, saying so", async () => {
    const problem = await expectInvalidToken(await me(await hsToken(member.user.subject, { expiresIn: -120 })));
    expect(problem.detail).toBe("The token has expired.");
  });

  it("tolerates clock skew within JWT_CLOCK_TOLERANCE_S", async () => {
    expect((await me(await hsToken(member.user.subject, { expiresIn: -10 }))).status).toBe(200);
  });

  it("refuses a token that is not yet valid", async () => {
    await expectInvalidToken(await me(await hsToken(member.user.subject, { notBefore: 3600 })));
  });

  it("refuses the wrong issuer and the wrong audience", async () => {
    await expectInvalidToken(await me(await hsToken(member.user.subject, { issuer: "https://evil.example/" })));
    await expectInvalidToken(await me(await hsToken(member.user.subject, { audience: "https://other.example" })));
  });

  it("refuses a bad signature", async () => {
    await expectInvalidToken(
      await me(await hsToken(member.user.subject, { secret: "another-secret-of-at-least-32-characters!" })),
    );
    const token = await hsToken(member.user.subject);
    await expectInvalidToken(await me(`${token.slice(0, -4)}AAAA`));
  });

  it("refuses an unknown kid", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const token = await new SignJWT(claims(member.user.subject))
      .setProtectedHeader({ alg: "RS256", kid: "not-published" })
      .sign(privateKey);
    await expectInvalidToken(await me(token));
  });

  it.each([
    ["garbage", "not-a-jwt"],
    ["two parts", "abc.def"],
    ["bad base64", "@@@.@@@.@@@"],
  ])("refuses a malformed token (%s)", async (_, token) => {
    await expectInvalidToken(await me(token));
  });

  it("refuses an oversized token before parsing it", async () => {
    const problem = await expectInvalidToken(
      await me(await hsToken(member.user.subject, { claims: { padding: "x".repeat(9000) } })),
    );
    expect(problem.detail).toBe("The token is too large.");
  });

  it("refuses a token without a subject", async () => {
    await expectInvalidToken(await me(await hsToken(undefined)));
  });

  it("refuses an algorithm outside the allow-list", async () => {
    const response = await callWithEnv({ JWT_ALGORITHMS: "RS256" }, "/v1/tenant", {
      headers: bearer(await hsToken(member.user.subject), member.tenant.id),
    });
    await expectInvalidToken(response);
  });

  it("refuses a token whose tenant claim contradicts X-Tenant-Id", async () => {
    const other = await signedIn("owner");
    const token = await hsToken(member.user.subject, { tenantId: member.tenant.id });
    const response = await call("/v1/tenant", { headers: bearer(token, other.tenant.id) });
    expect(response.status).toBe(403);
  });

  it("takes the tenant from the token's claim when there is no header", async () => {
    const token = await hsToken(member.user.subject, { tenantId: member.tenant.id });
    expect((await call("/v1/tenant", { headers: bearer(token) })).status).toBe(200);
  });
});

describe.each(["HS256", "RS256"] as const)("token age and spelling (%s)", (alg) => {
  let member: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    member = await signedIn("viewer");
  });
  const token = (options: TokenOptions = {}) =>
    alg === "HS256" ? hsToken(member.user.subject, options) : jwksToken(member.user.subject, { ...options, alg });
  const me = (jwt: string, env: Partial<Env> = {}) =>
    callWithEnv(env, "/v1/tenant", { headers: bearer(jwt, member.tenant.id) });
  const maxAge = { JWT_MAX_AGE_S: "600" };

  it("accepts an iat a little ahead, within JWT_CLOCK_TOLERANCE_S", async () => {
    expect((await me(await token({ issuedAt: 20 }))).status).toBe(200);
    expect((await me(await token({ issuedAt: 20 }), maxAge)).status).toBe(200);
  });

  it("refuses an iat in the future beyond the tolerance, with or without JWT_MAX_AGE_S", async () => {
    for (const env of [{}, maxAge]) {
      const problem = await expectInvalidToken(await me(await token({ issuedAt: 3600, expiresIn: 7200 }), env));
      expect(problem.detail).toBe("The token's issue time (iat) is in the future.");
    }
  });

  it("without JWT_MAX_AGE_S, accepts an old iat and a token without iat until exp", async () => {
    expect((await me(await token({ issuedAt: -30 * 86_400 }))).status).toBe(200);
    expect((await me(await token({ issuedAt: null }))).status).toBe(200);
  });

  it("with JWT_MAX_AGE_S, refuses a token issued longer ago, even when exp is still ahead", async () => {
    expect((await me(await token({ issuedAt: -300 }), maxAge)).status).toBe(200);
    const problem = await expectInvalidToken(await me(await token({ issuedAt: -3600 }), maxAge));
    expect(problem.detail).toBe("The token is older than this API accepts.");
  });

  it("with JWT_MAX_AGE_S, refuses a token without iat", async () => {
    const problem = await expectInvalidToken(await me(await token({ issuedAt: null }), maxAge));
    expect(problem.detail).toBe("The token has no issue time (iat), which this API requires.");
  });

  it("refuses JWT_MAX_AGE_S out of bounds as a misconfiguration", async () => {
    const response = await me(await token(), { JWT_MAX_AGE_S: "0" });
    expect(response.status).toBe(500);
    expect((await problemOf(response)).type).toBe("https://detecktiv.co.uk/problems/misconfigured");
  });

  it("refuses a signature segment with base64 padding", async () => {
    const jwt = await token();
    const padding = "=".repeat((4 - ((jwt.split(".")[2]?.length ?? 0) % 4)) % 4);
    expect(padding.length).toBeGreaterThan(0);
    const problem = await expectInvalidToken(await me(`${jwt}${padding}`));
    expect(problem.detail).toBe("The token is malformed.");
  });

  it("refuses a signature spelt with unused bits set (the same bytes, another string)", async () => {
    const jwt = await token();
    const last = jwt.at(-1) ?? "";
    // The final group of an HS256 (RS256) signature has 3 (2) characters: the last one's low 2 (4) bits are unused.
    const sibling = BASE64URL[BASE64URL.indexOf(last) | 1] ?? "";
    expect(sibling).not.toBe(last);
    await expectInvalidToken(await me(`${jwt.slice(0, -1)}${sibling}`));
  });

  it("refuses the standard base64 alphabet (+ and /) and characters outside base64url", async () => {
    let jwt = await token();
    for (let i = 0; !/[-_]/.test(jwt) && i < 50; i++) jwt = await token({ claims: { nonce: crypto.randomUUID() } });
    expect(jwt).toMatch(/[-_]/);
    await expectInvalidToken(await me(jwt.replace(/-/g, "+").replace(/_/g, "/")));
    const [header, payload, signature] = jwt.split(".");
    for (const forged of [`${header}.${payload}.${signature}!`, `${header}.${payload}%2E.${signature}`, `${jwt}.`]) {
      await expectInvalidToken(await me(forged));
    }
  });
});

describe("remote key set", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers 503, never 500 and never an accepted token, when the JWKS cannot be fetched", async () => {
    const member = await signedIn("viewer");
    const token = await jwksToken(member.user.subject);
    for (const url of ["http://127.0.0.1:9/jwks.json", `${inject("identityProviderUrl")}/missing.json`]) {
      const response = await callWithEnv({ JWT_JWKS_URL: url }, "/v1/tenant", {
        headers: bearer(token, member.tenant.id),
      });
      expect(response.status, url).toBe(503);
      expect(response.headers.get("retry-after")).toBe("30");
      await problemOf(response);
    }
  });

  it("picks up a rotated key: an unknown kid makes it refetch the key set (after the cool-down)", async () => {
    const member = await signedIn("viewer");
    // A URL of its own, so this test's key-set cache starts empty.
    const jwksUrl = `${inject("jwksUrl")}?rotation=${crypto.randomUUID()}`;
    const get = (token: string) =>
      callWithEnv({ JWT_JWKS_URL: jwksUrl }, "/v1/tenant", { headers: bearer(token, member.tenant.id) });
    expect((await get(await jwksToken(member.user.subject))).status).toBe(200);

    const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
    await fetch(`${inject("identityProviderUrl")}/keys`, {
      method: "POST",
      body: JSON.stringify({ ...(await exportJWK(publicKey)), kid: "rsa-2", alg: "RS256", use: "sig" }),
    });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31_000);
    const rotated = await new SignJWT(claims(member.user.subject))
      .setProtectedHeader({ alg: "RS256", kid: "rsa-2" })
      .sign(privateKey);
    expect((await get(rotated)).status).toBe(200);
  });
});
