import { type SQL, sql } from "drizzle-orm";
import type { Subject } from "./schemas";

/**
 * The person a request is about, as SQL: their work email(s) (the one given, or the one of the
 * contact given) and the contact records that hold them. A contact without an email is only
 * itself.
 */
export function subjectSql(subject: Subject) {
  const email = "email" in subject ? subject.email : null;
  const contactId = "contact_id" in subject ? subject.contact_id : null;
  const emails = sql`(select ${email}::text as email
      union select lower(email) from contacts where id = ${contactId}::uuid and email is not null)`;
  const contacts: SQL = sql`(select * from contacts
      where id = ${contactId}::uuid or lower(email) in (select email from ${emails} e where e.email is not null))`;
  const kind: "email" | "contact" = email === null ? "contact" : "email";
  return { emails, contacts, kind, value: email ?? contactId ?? "" };
}
