import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_EMAIL_API_TOKEN } from "../worker/constants";

/** What the fake received: the bearer token and the JSON body (Resend's shape). */
interface SentEmail {
  authorization: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * A stand-in for an email provider's HTTP API (Resend: `POST /emails`, JSON, bearer token; any token
 * but FAKE_EMAIL_API_TOKEN is a 401, as a real provider answers).
 * Tests read what was sent with `GET /messages?to=<address>` and make the next sends fail with
 * `POST /mode {"status": 503}` (`{"status": 200}` restores it).
 */
export async function startFakeEmailProvider() {
  const sent: SentEmail[] = [];
  let status = 200;
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => resolve(body));
      req.on("error", reject);
    });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://email");
      const body = await readBody(req);
      const reply = (code: number, payload: unknown) => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.method === "POST" && url.pathname === "/emails") {
        if (req.headers.authorization !== `Bearer ${FAKE_EMAIL_API_TOKEN}`) return reply(401, { message: "bad key" });
        if (status !== 200) return reply(status, { message: "unavailable" });
        const message = JSON.parse(body) as Omit<SentEmail, "authorization">;
        sent.push({ ...message, authorization: req.headers.authorization ?? null });
        return reply(200, { id: crypto.randomUUID() });
      }
      if (req.method === "GET" && url.pathname === "/messages") {
        const to = url.searchParams.get("to");
        return reply(200, to ? sent.filter((m) => m.to.includes(to)) : sent);
      }
      if (req.method === "POST" && url.pathname === "/mode") {
        status = (JSON.parse(body) as { status: number }).status;
        return reply(200, { status });
      }
      reply(404, { message: "not found" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
