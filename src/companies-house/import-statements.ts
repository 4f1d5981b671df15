import { type SQL, sql } from "drizzle-orm";
import { COMPANY_COLUMNS } from "../routes/companies/schemas";
import { compactPostcode, type Officers, officerContacts, type Profile } from "./upstream";

/**
 * The two statements that write a Companies House company and its active officers, for one
 * batch (all or nothing): the company is created or updated by number, officers (contacts with
 * source `companies_house`) by their appointment reference.
 */
export function importStatements(
  profile: Profile,
  officers: Officers,
  baseUrl: string,
): { company: SQL; officers: SQL } {
  const number = profile.company_number;
  const office = profile.registered_office_address ?? null;
  const company = sql`insert into companies (name, company_number, status, type, date_of_creation, date_of_cessation,
      jurisdiction, sic_codes, registered_office, postcode, source, source_ref, fetched_at)
    values (${profile.company_name}, ${number}, ${profile.company_status ?? null}, ${profile.type ?? null},
      ${profile.date_of_creation ?? null}::date, ${profile.date_of_cessation ?? null}::date, ${profile.jurisdiction ?? null},
      array(select jsonb_array_elements_text(${JSON.stringify(profile.sic_codes ?? [])}::jsonb)),
      ${office === null ? null : JSON.stringify(office)}::jsonb, ${compactPostcode(office?.postal_code)},
      'companies_house', ${`${baseUrl}${profile.links?.self ?? `/company/${number}`}`}, now())
    on conflict (tenant_id, company_number) do update set
      name = excluded.name, status = excluded.status, type = excluded.type,
      date_of_creation = excluded.date_of_creation, date_of_cessation = excluded.date_of_cessation,
      jurisdiction = excluded.jurisdiction, sic_codes = excluded.sic_codes,
      registered_office = excluded.registered_office, postcode = excluded.postcode,
      source = excluded.source, source_ref = excluded.source_ref, fetched_at = excluded.fetched_at, deleted_at = null
    returning ${COMPANY_COLUMNS}, (xmax = 0) as inserted`;
  const people = sql`insert into contacts (company_id, name, job_title, lawful_basis, source, source_ref, source_url, collected_at)
    select c.id, o->>'name', o->>'job_title', 'legitimate_interests', 'companies_house', o->>'source_ref', o->>'source_url', now()
      from companies c, jsonb_array_elements(${JSON.stringify(officerContacts(officers, baseUrl))}::jsonb) o
     where c.company_number = ${number}
    on conflict (tenant_id, company_id, source_ref) where source = 'companies_house' and deleted_at is null
    do update set name = excluded.name, job_title = excluded.job_title, source_url = excluded.source_url,
      collected_at = excluded.collected_at
    returning id`;
  return { company, officers: people };
}
