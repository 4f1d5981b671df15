/** Values shared by vitest.config.ts (which binds them into the Worker) and the tests. */
export const TEST_JWT_SECRET = "test-secret-that-is-at-least-32-characters-long";
export const TEST_CORS_ORIGIN = "https://app.example.test";
export const TEST_JWT_ISSUER = "https://idp.example.test/";
export const TEST_JWT_AUDIENCE = "https://api.detecktiv.test";
export const TEST_OPERATOR_JWT_ISSUER = "https://operators.detecktiv.test";
export const TEST_DATABASE_ASSERTION_KEY = "test-database-assertion-key-of-at-least-32-chars";
/** The bearer token the fake email provider (test/servers/fake-email-provider.ts) accepts. */
export const FAKE_EMAIL_API_TOKEN = "fake-email-api-token";
export const TEST_STRIPE_WEBHOOK_SECRET = "whsec_test_detecktiv_webhook_secret";

/** WEBHOOK_SECRETS_KEY of the test Worker: base64 of 32 bytes. */
export const TEST_WEBHOOK_SECRETS_KEY = "ZGV0ZWNrdGl2LXRlc3Qtd2ViaG9vay1zZWNyZXRzLWs=";

/** Signs export download links in tests (EXPORT_SIGNING_SECRET). */
export const TEST_EXPORT_SIGNING_SECRET = "test-export-signing-secret-0123456789abcdef";
