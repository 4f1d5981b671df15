import "vitest";

declare module "vitest" {
  /** Provided by test/worker/global-setup.ts. */
  export interface ProvidedContext {
    neonEndpoint: string;
    databaseUrl: string;
    ownerDatabaseUrl: string;
    databaseBackend: "pglite" | "postgres";
    /** The database fault proxy in front of neonEndpoint (test/servers/database-fault-proxy.ts). */
    faultProxyUrl: string;
    /** A Neon endpoint where nothing listens: every connection is refused. */
    refusedNeonEndpoint: string;
    identityProviderUrl: string;
    jwksUrl: string;
    companiesHouseUrl: string;
    /** The fake Stripe API (test/servers/fake-stripe.ts). */
    stripeUrl: string;
    /** Fake company websites: site name → origin (test/servers/fake-websites.ts). */
    fakeSites: Record<string, string>;
    /** The fake email provider (test/servers/fake-email-provider.ts): POST /emails, GET /messages. */
    emailProviderUrl: string;
    /** The local webhook receiver (test/servers/webhook-receiver.ts). */
    webhookReceiverUrl: string;
    /** Private JWKs of the fake identity provider (see test/servers/fake-identity-provider.ts). */
    signingKeys: { kid: string; alg: "RS256" | "ES256"; privateJwk: import("jose").JWK }[];
  }
}
