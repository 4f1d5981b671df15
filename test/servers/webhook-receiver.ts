import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
/** The local webhook receiver of the Worker tests (see webhook-receiver-types.ts for what it does). */
import type { ReceivedWebhook, ReceiverMode } from "./webhook-receiver-types";

interface Receiver {
  mode: ReceiverMode;
  secrets: string[];
  received: ReceivedWebhook[];
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

function verifies(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

export async function startWebhookReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const receivers = new Map<string, Receiver>();
  const receiver = (name: string) => {
    let found = receivers.get(name);
    if (!found) {
      found = { mode: "ok", secrets: [], received: [] };
      receivers.set(name, found);
    }
    return found;
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, kind, name] = url.pathname.split("/");
    if (!name || (kind !== "hooks" && kind !== "__control")) {
      res.writeHead(404).end();
      return;
    }
    const body = await readBody(req);
    const target = receiver(name);
    if (kind === "__control") {
      if (req.method === "POST") {
        const settings = JSON.parse(body || "{}") as Partial<Pick<Receiver, "mode" | "secrets">>;
        if (settings.mode) target.mode = settings.mode;
        if (settings.secrets) target.secrets = settings.secrets;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(target.received));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
    );
    const verified = target.secrets.map((secret) => verifies(secret, body, headers));
    const record = (answered: ReceivedWebhook["answered"]) =>
      target.received.push({ headers, body, verified, answered });
    if (target.mode === "down") {
      record("dropped");
      req.socket.destroy();
      return;
    }
    if (target.mode === "slow") {
      record("dropped");
      setTimeout(() => res.writeHead(200).end(), 5000).unref();
      return;
    }
    const status = { ok: 200, fail: 500, gone: 410 }[target.mode];
    record(status);
    res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "thanks" : "no");
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
