/** Values shared by vitest.config.ts (which binds them into the Worker) and the tests. */
export const TEST_JWT_SECRET = "test-secret-that-is-at-least-32-characters-long";
export const TEST_CORS_ORIGIN = "https://app.example.test";
export const TEST_JWT_ISSUER = "https://idp.example.test/";
export const TEST_JWT_AUDIENCE = "https://api.detecktiv.test";
export const TEST_OPERATOR_JWT_ISSUER = "https://operators.detecktiv.test";
export const TEST_DATABASE_ASSERTION_KEY = "test-database-assertion-key-of-at-least-32-chars";
