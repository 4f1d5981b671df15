import { createBackend, startNeonLocal } from "./server";

export interface LocalDatabase {
  /** The local Neon-protocol endpoint (`http://127.0.0.1:PORT/sql`). */
  fetchEndpoint: string;
  /** Connection strings as the Worker and scripts use them: the user selects the role. */
  ownerUrl: string;
  apiUrl: string;
  maintenanceUrl: string;
  backend: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface LocalDatabaseOptions {
  /** A real Postgres server; embedded PGlite when absent. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; in-memory when absent. */
  dataDir?: string | undefined;
  port?: number;
  log?: (line: string) => void;
}

// The host part is ignored by the local server (it forwards to its backend); the user picks the
// role. Passwords are placeholders: local servers use trust authentication.
export const localUrl = (user: string) => `postgres://${user}:local@localhost/detecktiv`;

/** Starts the local Neon-protocol server over PGlite or a real Postgres. */
export async function startLocalDatabase(options: LocalDatabaseOptions = {}): Promise<LocalDatabase> {
  const backend = await createBackend({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  const server = await startNeonLocal({ backend, port: options.port ?? 0, log: options.log });
  const owner = options.databaseUrl
    ? decodeURIComponent(new URL(options.databaseUrl).username || "postgres")
    : "postgres";
  return {
    fetchEndpoint: server.endpoint,
    ownerUrl: localUrl(owner),
    apiUrl: localUrl("app_api"),
    maintenanceUrl: localUrl("app_maintenance"),
    backend: backend.name,
    close: () => server.close(),
  };
}

/** Neon's own hosts are reached directly; anything else goes through the local server. */
export function isNeonUrl(databaseUrl: string): boolean {
  return /\.neon\.(tech|build)$/.test(new URL(databaseUrl).hostname);
}
