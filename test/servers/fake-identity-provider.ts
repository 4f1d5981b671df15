import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  alg: "RS256" | "ES256";
  /** Private JWK, handed to tests (through vitest `provide`) to sign tokens. */
  privateJwk: JWK;
}

/**
 * A stand-in for an identity provider's JWKS endpoint (Auth0, Clerk...): serves the public keys
 * at /.well-known/jwks.json. Tests add keys (rotation) with POST /keys and can make it fail with
 * POST /mode {"mode":"down"}.
 */
export async function startFakeIdentityProvider() {
  const keys: JWK[] = [];
  const signingKeys: SigningKey[] = [];
  for (const [kid, alg] of [
    ["rsa-1", "RS256"],
    ["ec-1", "ES256"],
  ] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" });
    signingKeys.push({ kid, alg, privateJwk: { ...(await exportJWK(pair.privateKey)), kid, alg } });
  }
  let mode: "up" | "down" = "up";
  let fetches = 0;

  const readJson = (req: IncomingMessage) =>
    new Promise<unknown>((resolve, reject) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => resolve(body ? JSON.parse(body) : null));
      req.on("error", reject);
    });
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://idp").pathname;
      if (req.method === "GET" && path === "/.well-known/jwks.json") {
        fetches++;
        if (mode === "down") return send(res, 503, { error: "unavailable" });
        return send(res, 200, { keys });
      }
      if (req.method === "POST" && path === "/keys") {
        keys.push((await readJson(req)) as JWK);
        return send(res, 201, { keys: keys.length });
      }
      if (req.method === "POST" && path === "/mode") {
        mode = ((await readJson(req)) as { mode: "up" | "down" }).mode;
        return send(res, 200, { mode });
      }
      if (req.method === "GET" && path === "/stats") return send(res, 200, { fetches });
      send(res, 404, { error: "not found" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    signingKeys,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
