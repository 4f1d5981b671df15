import "vitest";

declare module "vitest" {
  /** Provided by test/worker/global-setup.ts. */
  export interface ProvidedContext {
    neonEndpoint: string;
    databaseUrl: string;
    ownerDatabaseUrl: string;
    databaseBackend: "pglite" | "postgres";
  }
}
