export * from "./api-keys";
export * from "./audit-log";
export * from "./companies";
export * from "./idempotency-keys";
export * from "./memberships";
export * from "./roles";
export * from "./tenants";
export * from "./users";
