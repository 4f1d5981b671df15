import type { TestProject } from "vitest/node";
import { startLocalDatabase } from "../../neon-local/local-database";
import { installAssertionKey } from "../../scripts/db/assertion-key";
import { applyMigrations } from "../../scripts/db/migrate";
import { refusedEndpoint, startDatabaseFaultProxy } from "../servers/database-fault-proxy";
import { startFakeCompaniesHouse } from "../servers/fake-companies-house";
import { startFakeEmailProvider } from "../servers/fake-email-provider";
import { startFakeIdentityProvider } from "../servers/fake-identity-provider";
import { startFakeStripe } from "../servers/fake-stripe";
import { startFakeWebsites } from "../servers/fake-websites";
import { startWebhookReceiver } from "../servers/webhook-receiver";
import { TEST_DATABASE_ASSERTION_KEY } from "./constants";

/**
 * Starts the local Neon server over a freshly migrated database — in-memory PGlite, or the real
 * Postgres named by TEST_DATABASE_URL — and hands its endpoint and role URLs to the Worker.
 */
export default async function setup(project: TestProject) {
  const database = await startLocalDatabase({ databaseUrl: process.env.TEST_DATABASE_URL });
  const owner = { connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint };
  await applyMigrations(owner, () => {});
  await installAssertionKey(owner, TEST_DATABASE_ASSERTION_KEY);
  project.provide("neonEndpoint", database.fetchEndpoint);
  project.provide("databaseUrl", database.apiUrl);
  project.provide("ownerDatabaseUrl", database.ownerUrl);
  project.provide("databaseBackend", database.backend);
  const faultProxy = await startDatabaseFaultProxy(database.fetchEndpoint);
  project.provide("faultProxyUrl", faultProxy.url);
  project.provide("refusedNeonEndpoint", await refusedEndpoint());
  const identityProvider = await startFakeIdentityProvider();
  project.provide("identityProviderUrl", identityProvider.baseUrl);
  project.provide("jwksUrl", identityProvider.jwksUrl);
  project.provide("signingKeys", identityProvider.signingKeys);
  const companiesHouse = await startFakeCompaniesHouse();
  project.provide("companiesHouseUrl", companiesHouse.url);
  const stripe = await startFakeStripe();
  project.provide("stripeUrl", stripe.url);
  const websites = await startFakeWebsites();
  project.provide("fakeSites", websites.origins);
  const email = await startFakeEmailProvider();
  project.provide("emailProviderUrl", email.url);
  const webhooks = await startWebhookReceiver();
  project.provide("webhookReceiverUrl", webhooks.url);
  return async () => {
    await email.close();
    await webhooks.close();
    await websites.close();
    await companiesHouse.close();
    await stripe.close();
    await identityProvider.close();
    await faultProxy.close();
    await database.close();
  };
}
