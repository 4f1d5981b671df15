import { pgRole } from "drizzle-orm/pg-core";

// Both roles are created by the hand-written migration 0000 (CREATE ROLE ... LOGIN), never by a
// console/API, because on Neon those join neon_superuser, which has BYPASSRLS.
/** The Worker's login role: owns nothing, cannot bypass RLS. */
export const appApi = pgRole("app_api").existing();
/** The cron's login role: only what retention purges and maintenance need. */
export const appMaintenance = pgRole("app_maintenance").existing();
/** Owns the SECURITY DEFINER identity functions; may read only what identity checks need. */
export const appAuth = pgRole("app_auth").existing();
/** Owns app.company_name_search (similar-name search through the trigram index): nothing else. */
export const appSearch = pgRole("app_search").existing();
/**
 * Owns the operator functions (app.operator_*): platform operators reach tenant data only through
 * them, never through a role with BYPASSRLS. NOLOGIN; its policies name it alone.
 */
export const appPlatform = pgRole("app_platform").existing();
/**
 * The register loader's role (NOLOGIN): writes the shared register tables and nothing else. The
 * migrating role is a member and the loader switches to it (SET LOCAL ROLE) in every batch.
 */
export const appRegister = pgRole("app_register").existing();
