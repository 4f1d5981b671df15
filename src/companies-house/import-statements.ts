import { type SQL, sql } from "drizzle-orm";
import { textArray } from "../db/sql-arrays";
import { COMPANY_COLUMNS } from "../routes/companies/schemas";
import type { CompaniesHouseCompany } from "./client";
import { compactPostcode, officerContacts, officerRef, pscContacts, pscRef } from "./upstream";

/**
 * A fetch as app.record_company_changes and app.companies_house_state read it: the company's
 * current facts and everyone listed (people by their Companies House reference, which SQL turns
 * into suppression's hash; only legal-entity PSCs keep a name, as they are not people).
 */
export function changeInput(fetched: CompaniesHouseCompany) {
  const { profile, officers, pscs, filings, insolvency } = fetched;
  const latestCase = [...(insolvency?.cases ?? [])].sort((a, b) => (a.number ?? 0) - (b.number ?? 0)).at(-1);
  return {
    status: profile.company_status ?? null,
    registered_office: profile.registered_office_address ?? null,
    sic_codes: profile.sic_codes ?? [],
    accounts_made_up_to: profile.accounts?.last_accounts?.made_up_to ?? null,
    last_accounts_filed_on: filings.items[0]?.date ?? null,
    insolvency_status: latestCase?.type ?? null,
    officers: officers.items.map((officer) => ({
      ref: officerRef(officer),
      role: officer.officer_role ?? null,
      appointed_on: officer.appointed_on ?? null,
      resigned_on: officer.resigned_on ?? null,
    })),
    pscs: pscs.items.map((psc) => ({
      ref: pscRef(psc),
      kind: psc.kind,
      name: psc.kind.startsWith("individual-") ? null : psc.name,
      natures_of_control: psc.natures_of_control ?? [],
      notified_on: psc.notified_on ?? null,
      ceased_on: psc.ceased_on ?? null,
    })),
  };
}

/**
 * The statements that write a Companies House company, for one batch (all or nothing), in this
 * order: its changes since the last fetch (read before anything is overwritten), the company
 * (created or updated by number), its active officers and its individual PSCs (contacts with
 * source `companies_house`, by their Companies House reference; suppressed people are skipped by
 * the contacts trigger). `restore: false` (the scheduled refresh) leaves a deleted company alone.
 */
export function importStatements(
  fetched: CompaniesHouseCompany,
  baseUrl: string,
  options: { restore: boolean } = { restore: true },
): { changes: SQL; company: SQL; officers: SQL; pscs: SQL } {
  const { profile, charges } = fetched;
  const number = profile.company_number;
  const office = profile.registered_office_address ?? null;
  const input = changeInput(fetched);
  const incoming = JSON.stringify(input);
  const changes = sql`select id from app.record_company_changes(${number}, ${incoming}::jsonb)`;
  const company = sql`insert into companies (name, company_number, status, type, date_of_creation, date_of_cessation,
      jurisdiction, sic_codes, registered_office, postcode, source, source_ref, fetched_at, checked_at,
      accounts_made_up_to, accounts_next_due, accounts_overdue, last_accounts_filed_on,
      confirmation_statement_next_due, confirmation_statement_overdue, charges_total, charges_outstanding,
      insolvency_status, companies_house_state)
    values (${profile.company_name}, ${number}, ${profile.company_status ?? null}, ${profile.type ?? null},
      ${profile.date_of_creation ?? null}::date, ${profile.date_of_cessation ?? null}::date, ${profile.jurisdiction ?? null},
      ${textArray(profile.sic_codes ?? [])},
      ${office === null ? null : JSON.stringify(office)}::jsonb, ${compactPostcode(office?.postal_code)},
      'companies_house', ${`${baseUrl}${profile.links?.self ?? `/company/${number}`}`}, now(), now(),
      ${input.accounts_made_up_to}::date, ${profile.accounts?.next_due ?? null}::date,
      ${profile.accounts?.overdue ?? null}::boolean, ${input.last_accounts_filed_on}::date,
      ${profile.confirmation_statement?.next_due ?? null}::date, ${profile.confirmation_statement?.overdue ?? null}::boolean,
      ${charges?.total_count ?? 0}::integer, ${charges ? charges.total_count - charges.satisfied_count : 0}::integer,
      ${input.insolvency_status}, app.companies_house_state(app.tenant_id(), ${incoming}::jsonb))
    on conflict (tenant_id, company_number) do update set
      name = excluded.name, status = excluded.status, type = excluded.type,
      date_of_creation = excluded.date_of_creation, date_of_cessation = excluded.date_of_cessation,
      jurisdiction = excluded.jurisdiction, sic_codes = excluded.sic_codes,
      registered_office = excluded.registered_office, postcode = excluded.postcode,
      source = excluded.source, source_ref = excluded.source_ref, fetched_at = excluded.fetched_at,
      checked_at = excluded.checked_at, accounts_made_up_to = excluded.accounts_made_up_to,
      accounts_next_due = excluded.accounts_next_due, accounts_overdue = excluded.accounts_overdue,
      last_accounts_filed_on = excluded.last_accounts_filed_on,
      confirmation_statement_next_due = excluded.confirmation_statement_next_due,
      confirmation_statement_overdue = excluded.confirmation_statement_overdue,
      charges_total = excluded.charges_total, charges_outstanding = excluded.charges_outstanding,
      insolvency_status = excluded.insolvency_status, companies_house_state = excluded.companies_house_state,
      deleted_at = null
    ${options.restore ? sql`` : sql`where companies.deleted_at is null`}
    returning ${COMPANY_COLUMNS}, (xmax = 0) as inserted`;
  const contacts = (
    people: ReturnType<typeof officerContacts>,
  ) => sql`insert into contacts (company_id, name, job_title,
      lawful_basis, source, source_ref, source_url, collected_at)
    select c.id, o->>'name', o->>'job_title', 'legitimate_interests', 'companies_house', o->>'source_ref', o->>'source_url', now()
      from companies c, jsonb_array_elements(${JSON.stringify(people)}::jsonb) o
     where c.company_number = ${number} and c.deleted_at is null
    on conflict (tenant_id, company_id, source_ref) where source = 'companies_house' and deleted_at is null
    do update set name = excluded.name, job_title = excluded.job_title, source_url = excluded.source_url,
      collected_at = excluded.collected_at
    returning id`;
  return {
    changes,
    company,
    officers: contacts(officerContacts(fetched.officers, baseUrl)),
    pscs: contacts(pscContacts(fetched.pscs, baseUrl)),
  };
}
