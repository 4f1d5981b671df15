import { CHANGE_TYPES } from "../db/schema/company-changes";

/**
 * Every event type the API records (README "Events"). Adding one: a line here, and a call to
 * `app.emit_event(tenant_id, type, resource_type, resource_id, data)` from a SECURITY DEFINER
 * trigger function owned by app_auth in the change's own transaction (or `app.record_row_event`
 * as the trigger of a table, for `<resource>.created|updated|deleted|restored`).
 */
export const EVENT_TYPES = [
  "company.created",
  "company.updated",
  "company.deleted",
  "company.restored",
  "company.imported",
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "contact.restored",
  "scrape_job.succeeded",
  "scrape_job.failed",
  "privacy.erased",
  "member.added",
  "member.updated",
  "member.removed",
  "subscription.updated",
  "webhook_endpoint.disabled",
  "webhook.test",
  // Companies House changes (app.record_company_change_event, migration 0048), one per change type.
  ...CHANGE_TYPES.map((type) => `company_change.${type}` as const),
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** `company.*` and friends: every type of one resource. */
export const EVENT_PREFIXES = [...new Set(EVENT_TYPES.map((type) => `${type.split(".")[0]}.*`))];

/** An event's public id carries its place in the feed: `evt_<transaction id>_<sequence>`. */
export const EVENT_ID_PATTERN = /^evt_(\d{1,20})_(\d{1,19})$/;
