/**
 * CLI: a local Neon SQL-over-HTTP endpoint.
 *
 *   tsx neon-local/main.ts [--port 4444] [--host 127.0.0.1]
 *                                  [--data-dir .data/pglite] [--database-url URL] [--quiet]
 *                                  [--record] [--keep-sessions]
 *
 * Backend: Postgres when --database-url (or env DATABASE_URL) is given,
 * otherwise PGlite (persisted in --data-dir, in-memory without it).
 * Point the driver at it with neonConfig.fetchEndpoint = '<printed endpoint>'.
 */
import { parseArgs } from "node:util";
import { createBackend, startNeonLocal } from "./server";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "4444" },
      host: { type: "string", default: "127.0.0.1" },
      "data-dir": { type: "string" },
      "database-url": { type: "string" },
      quiet: { type: "boolean", default: false },
      record: { type: "boolean", default: false },
      "keep-sessions": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: tsx neon-local/main.ts [--port 4444] [--host 127.0.0.1] [--data-dir DIR] [--database-url URL] [--quiet] [--record] [--keep-sessions]",
    );
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);

  const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
  const dataDir = values["data-dir"];
  if (databaseUrl && dataDir)
    throw new Error("--data-dir only applies to PGlite; drop it or --database-url/DATABASE_URL");

  const backend = await createBackend({
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(dataDir ? { dataDir } : {}),
    ...(values["keep-sessions"] ? { keepSessions: true } : {}),
  });
  const server = await startNeonLocal({
    backend,
    port,
    host: values.host,
    record: values.record,
    ...(values.quiet ? {} : { log: (line: string) => console.log(line) }),
  });
  const where = databaseUrl ? new URL(databaseUrl).host : (dataDir ?? "in-memory");
  console.log(`neon-local (${backend.name}, ${where}) listening on ${server.endpoint}`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      // Second Ctrl-C: give up waiting.
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping`);
    // Also closes the backend: PGlite shut down cleanly leaves its data directory consistent.
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
