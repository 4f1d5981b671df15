import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FAULT_ACTIONS, type FaultAction, type FaultPlan } from "./database-fault-plan";

interface Channel {
  next: FaultAction[];
  otherwise: FaultAction;
  sqlstate: string;
  /** Round trips received, whatever was done with them. */
  requests: number;
  /** Connections held by `hang`. */
  hanging: Set<Socket>;
}

export interface DatabaseFaultProxy {
  /** The fetch endpoint of a channel: `NEON_FETCH_ENDPOINT` for a test's own outage. */
  endpoint(channel: string): string;
  /** Base URL of the proxy (control API: `PUT /__fault/<channel>`, `GET /__fault/<channel>`). */
  url: string;
  close(): Promise<void>;
}

const CHANNEL_PATH = /^\/([A-Za-z0-9_-]{1,64})\/sql$/;
const CONTROL_PATH = /^\/__fault\/([A-Za-z0-9_-]{1,64})$/;

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/**
 * A Neon-protocol proxy in front of the local Neon server that can be told, per channel, to
 * refuse, drop, hang or fail round trips: a test's own database outage, switched on and off
 * while other tests use the real endpoint. Channels are named by the test (a fresh one each);
 * an unknown channel passes everything.
 */
export async function startDatabaseFaultProxy(upstream: string): Promise<DatabaseFaultProxy> {
  const target = new URL(upstream);
  const channels = new Map<string, Channel>();
  const channelOf = (name: string) => {
    let channel = channels.get(name);
    if (!channel) {
      channel = { next: [], otherwise: "pass", sqlstate: "57P03", requests: 0, hanging: new Set() };
      channels.set(name, channel);
    }
    return channel;
  };

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }>((resolve, reject) => {
      const upstreamRequest = request(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        async (response) => {
          try {
            resolve({ status: response.statusCode ?? 502, headers: response.headers, body: await bodyOf(response) });
          } catch (error) {
            reject(error);
          }
        },
      );
      upstreamRequest.on("error", reject);
      upstreamRequest.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://proxy").pathname;
    const control = CONTROL_PATH.exec(path);
    if (control?.[1]) {
      const channel = channelOf(control[1]);
      if (req.method === "PUT") {
        const plan = JSON.parse((await bodyOf(req)).toString() || "{}") as Partial<FaultPlan>;
        const actions = [...(plan.next ?? []), plan.otherwise ?? "pass"];
        if (!actions.every((action) => FAULT_ACTIONS.includes(action))) return json(res, 400, { error: "bad action" });
        channel.next = plan.next ?? [];
        channel.otherwise = plan.otherwise ?? "pass";
        channel.sqlstate = plan.sqlstate ?? "57P03";
        // Switching a channel back releases the round trips it was holding.
        if (channel.otherwise !== "hang") for (const socket of channel.hanging) socket.destroy();
      }
      return json(res, 200, { next: channel.next, otherwise: channel.otherwise, requests: channel.requests });
    }
    const match = CHANNEL_PATH.exec(path);
    if (!match?.[1]) return json(res, 404, { error: "not a channel path" });
    const channel = channelOf(match[1]);
    channel.requests++;
    const action = channel.next.shift() ?? channel.otherwise;
    const body = await bodyOf(req);
    if (action === "reset") {
      req.socket.destroy();
      return;
    }
    if (action === "hang") {
      channel.hanging.add(req.socket);
      req.socket.on("close", () => channel.hanging.delete(req.socket));
      return;
    }
    if (action === "error") {
      return json(res, 503, { message: "Couldn't connect to compute node", code: "" });
    }
    if (action === "postgres_error") {
      return json(res, 400, {
        message: `injected error ${channel.sqlstate}`,
        severity: "FATAL",
        code: channel.sqlstate,
      });
    }
    try {
      const answer = await forward(req, body);
      if (action === "drop") {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch {
      req.socket.destroy();
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    endpoint: (channel) => `${url}/${channel}/sql`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const channel of channels.values()) for (const socket of channel.hanging) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local address where nothing listens: connections to it are refused. */
export async function refusedEndpoint(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/sql`;
}
