import { describe, expect, it } from "vitest";
import { signedIn } from "../factories";
import { call, problemOf, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

async function company(member: Member, name = "Privacy Ltd") {
  const response = await sendAs(member, "POST", "/v1/companies", { name });
  return (await response.json()) as { id: string };
}

async function contact(member: Member, companyId: string, body: Record<string, unknown>) {
  const response = await sendAs(member, "POST", `/v1/companies/${companyId}/contacts`, {
    lawful_basis: "legitimate_interests",
    ...body,
  });
  return { status: response.status, body: (await response.json()) as { id: string } };
}

const email = () => `person.${crypto.randomUUID().slice(0, 8)}@example.co.uk`;

describe("GET/PUT /v1/privacy/retention", () => {
  it("shows the defaults and bounds, changes given classes only, and resets with null", async () => {
    const admin = await signedIn("admin");
    const initial = (await (await sendAs(admin, "GET", "/v1/privacy/retention")).json()) as {
      settings: Record<string, { days: number; default: number; min: number; max: number; customised: boolean }>;
      updated_at: string | null;
    };
    expect(initial.settings.audit_log_days).toEqual({
      days: 400,
      default: 400,
      min: 365,
      max: 2555,
      customised: false,
    });
    expect(initial.settings.deleted_records_days?.days).toBe(30);
    expect(initial.updated_at).toBeNull();

    const changed = await sendAs(admin, "PUT", "/v1/privacy/retention", {
      deleted_records_days: 7,
      audit_log_days: 730,
    });
    expect(changed.status).toBe(200);
    const after = (await changed.json()) as typeof initial;
    expect(after.settings.deleted_records_days).toMatchObject({ days: 7, customised: true });
    expect(after.settings.audit_log_days).toMatchObject({ days: 730, customised: true });
    expect(after.settings.scrape_results_days).toMatchObject({ days: 90, customised: false });

    const reset = (await (
      await sendAs(admin, "PUT", "/v1/privacy/retention", { audit_log_days: null })
    ).json()) as typeof initial;
    expect(reset.settings.audit_log_days).toMatchObject({ days: 400, customised: false });
    expect(reset.settings.deleted_records_days).toMatchObject({ days: 7, customised: true });

    const [audited] = await sqlAs("owner").query(
      "SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action LIKE 'retention_policy.%'",
      [admin.tenant.id],
    );
    expect(audited).toEqual({ n: 2 });
  });

  it.each([
    [{ audit_log_days: 30 }, "body.audit_log_days"],
    [{ audit_log_days: 9999 }, "body.audit_log_days"],
    [{ deleted_records_days: 0 }, "body.deleted_records_days"],
    [{ scrape_results_days: 1.5 }, "body.scrape_results_days"],
    [{ forever: true }, "body"],
  ])("refuses %j with a 400 naming the field", async (body, field) => {
    const admin = await signedIn("admin");
    const response = await sendAs(admin, "PUT", "/v1/privacy/retention", body);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
  });

  it("refuses to keep finished jobs for less time than their results (422), writing nothing", async () => {
    const admin = await signedIn("admin");
    const response = await sendAs(admin, "PUT", "/v1/privacy/retention", { scrape_jobs_days: 30 });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toEqual(["body.scrape_jobs_days"]);
    const rows = await sqlAs("owner").query("SELECT * FROM retention_policies WHERE tenant_id = $1", [admin.tenant.id]);
    expect(rows).toEqual([]);
    expect(
      (await sendAs(admin, "PUT", "/v1/privacy/retention", { scrape_jobs_days: 30, scrape_results_days: 30 })).status,
    ).toBe(200);
  });

  it("is for admins only", async () => {
    const editor = await signedIn("editor");
    expect((await sendAs(editor, "GET", "/v1/privacy/retention")).status).toBe(403);
    expect((await sendAs(editor, "PUT", "/v1/privacy/retention", { audit_log_days: 365 })).status).toBe(403);
  });

  it("lets a deleted company be restored for as long as the tenant keeps deleted records", async () => {
    const admin = await signedIn("admin");
    await sendAs(admin, "PUT", "/v1/privacy/retention", { deleted_records_days: 60 });
    const kept = await company(admin, "Kept");
    await sendAs(admin, "DELETE", `/v1/companies/${kept.id}`);
    await sqlAs("owner").query("UPDATE companies SET deleted_at = now() - interval '45 days' WHERE id = $1", [kept.id]);
    expect((await sendAs(admin, "POST", `/v1/companies/${kept.id}/restore`)).status).toBe(200);
  });
});

describe("POST /v1/privacy/export", () => {
  it("returns everything the tenant holds about a person, and nothing of another tenant", async () => {
    const admin = await signedIn("admin");
    const address = email();
    const first = await company(admin, "First Employer");
    const second = await company(admin, "Second Employer");
    const a = await contact(admin, first.id, { name: "Pat Doe", email: address, job_title: "CTO" });
    const b = await contact(admin, second.id, { name: "Pat Doe", email: address.toUpperCase() });
    await sendAs(admin, "PATCH", `/v1/contacts/${a.body.id}`, { job_title: "CIO" });
    await contact(admin, first.id, { name: "Someone Else", email: email() });
    // The same address in another tenant.
    const stranger = await signedIn("admin");
    await contact(stranger, (await company(stranger)).id, { name: "Pat Doe elsewhere", email: address });

    const response = await sendAs(admin, "POST", "/v1/privacy/export", { email: address });
    expect(response.status).toBe(200);
    const dump = (await response.json()) as {
      subject: { kind: string };
      contacts: { id: string; company_name: string; provenance: Record<string, unknown> }[];
      audit_log: { action: string; target_id: string }[];
      user: unknown;
    };
    expect(dump.subject.kind).toBe("email");
    expect(dump.contacts.map((k) => k.id).sort()).toEqual([a.body.id, b.body.id].sort());
    expect(dump.contacts.map((k) => k.company_name).sort()).toEqual(["First Employer", "Second Employer"]);
    expect(dump.contacts[0]?.provenance).toMatchObject({ source: "manual", lawful_basis: "legitimate_interests" });
    expect(dump.audit_log.map((e) => `${e.action}:${e.target_id}`)).toEqual(
      expect.arrayContaining([
        `contact.created:${a.body.id}`,
        `contact.updated:${a.body.id}`,
        `contact.created:${b.body.id}`,
      ]),
    );
    expect(dump.user).toBeNull();
    expect(JSON.stringify(dump)).not.toContain("Someone Else");
    expect(JSON.stringify(dump)).not.toContain("elsewhere");

    // The export is audited without the address itself.
    const [entry] = (await sqlAs("owner").query(
      "SELECT metadata FROM audit_log WHERE tenant_id = $1 AND action = 'privacy.exported'",
      [admin.tenant.id],
    )) as { metadata: Record<string, unknown> }[];
    expect(entry?.metadata).toMatchObject({ subject_kind: "email" });
    expect(JSON.stringify(entry)).not.toContain(address);
  });

  it("includes a member's own account and actions when the address is theirs", async () => {
    const admin = await signedIn("admin");
    const address = email();
    await sqlAs("owner").query("UPDATE users SET email = $1 WHERE id = $2", [address, admin.user.id]);
    await sendAs(admin, "PUT", "/v1/privacy/retention", { audit_log_days: 500 });
    const dump = (await (await sendAs(admin, "POST", "/v1/privacy/export", { email: address })).json()) as {
      user: { id: string; role: string } | null;
      audit_log: { actor_id: string }[];
    };
    expect(dump.user).toMatchObject({ id: admin.user.id, role: "admin" });
    expect(dump.audit_log.some((e) => e.actor_id === admin.user.id)).toBe(true);
  });

  it("pages the audit entries of a person with tens of thousands of them: complete, each page far below Neon's 10 MiB", async () => {
    const admin = await signedIn("admin");
    const address = email();
    const person = await contact(admin, (await company(admin, "Busy Employer")).id, {
      name: "Pat Busy",
      email: address,
    });
    // 25,000 entries about the contact, ~1 KiB each (25 MiB): one answer holding them all would be refused by Neon.
    const entries = 25_000;
    await sqlAs("owner").query(
      `insert into audit_log (tenant_id, actor_type, action, target_type, target_id, metadata, created_at)
       select $1, 'system', 'contact.updated', 'contact', $2,
         jsonb_build_object('fields', array['job_title'], 'note', repeat('n', 1000), 'n', g),
         now() - interval '1 day' + g * interval '1 millisecond'
       from generate_series(1, $3::int) g`,
      [admin.tenant.id, person.body.id, entries],
    );

    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    let largestPage = 0;
    let previous = "";
    do {
      const query: string = cursor === null ? "" : `?audit_cursor=${cursor}`;
      const response = await sendAs(admin, "POST", `/v1/privacy/export${query}`, { email: address });
      expect(response.status).toBe(200);
      const text = await response.text();
      largestPage = Math.max(largestPage, new TextEncoder().encode(text).length);
      const dump = JSON.parse(text) as {
        contacts: { id: string }[];
        audit_log: { id: string; created_at: string }[];
        audit_log_next_cursor: string | null;
      };
      // Every page is a whole document about the person, with the next slice of the audit trail.
      expect(dump.contacts.map((k) => k.id)).toEqual([person.body.id]);
      expect(dump.audit_log.length).toBeLessThanOrEqual(1000);
      for (const entry of dump.audit_log) {
        expect(seen.has(entry.id)).toBe(false);
        expect(entry.created_at >= previous).toBe(true);
        seen.add(entry.id);
        previous = entry.created_at;
      }
      cursor = dump.audit_log_next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    // Everything: the generated entries and the contact's own creation.
    expect(seen.size).toBe(entries + 1);
    expect(pages).toBe(Math.ceil((entries + 1) / 1000));
    expect(largestPage).toBeLessThan(2 * 1024 * 1024);
  });

  it("cuts audit pages by size too, so large entries never make an answer Neon would refuse", async () => {
    const admin = await signedIn("admin");
    const address = email();
    const person = await contact(admin, (await company(admin, "Large Entries")).id, {
      name: "Pat Large",
      email: address,
    });
    // 48 entries of 256 KiB: 12 MiB, within the 1,000 entries of one page.
    await sqlAs("owner").query(
      `insert into audit_log (tenant_id, actor_type, action, target_type, target_id, metadata, created_at)
       select $1, 'system', 'contact.updated', 'contact', $2, jsonb_build_object('note', repeat('n', 262144)),
         now() - interval '1 day' + g * interval '1 millisecond'
       from generate_series(1, 48) g`,
      [admin.tenant.id, person.body.id],
    );
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? "" : `?audit_cursor=${cursor}`;
      const response = await sendAs(admin, "POST", `/v1/privacy/export${query}`, { email: address });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(new TextEncoder().encode(text).length).toBeLessThan(4 * 1024 * 1024);
      const dump = JSON.parse(text) as { audit_log: { id: string }[]; audit_log_next_cursor: string | null };
      expect(dump.audit_log.length).toBeGreaterThan(0);
      for (const entry of dump.audit_log) seen.add(entry.id);
      cursor = dump.audit_log_next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(seen.size).toBe(48 + 1);
    expect(pages).toBeGreaterThan(4);
  });

  it("takes a smaller audit page on request, and refuses a cursor it did not make", async () => {
    const admin = await signedIn("admin");
    const address = email();
    const person = await contact(admin, (await company(admin)).id, { name: "Pat Paged", email: address });
    await sendAs(admin, "PATCH", `/v1/contacts/${person.body.id}`, { job_title: "CIO" });
    await sendAs(admin, "PATCH", `/v1/contacts/${person.body.id}`, { job_title: "CEO" });
    const first = (await (
      await sendAs(admin, "POST", "/v1/privacy/export?audit_limit=2", { email: address })
    ).json()) as {
      audit_log: { action: string }[];
      audit_log_next_cursor: string | null;
    };
    expect(first.audit_log.map((e) => e.action)).toEqual(["contact.created", "contact.updated"]);
    expect(first.audit_log_next_cursor).not.toBeNull();
    const rest = (await (
      await sendAs(admin, "POST", `/v1/privacy/export?audit_limit=2&audit_cursor=${first.audit_log_next_cursor}`, {
        email: address,
      })
    ).json()) as { audit_log: { action: string }[]; audit_log_next_cursor: string | null };
    expect(rest.audit_log.map((e) => e.action)).toEqual(["contact.updated"]);
    expect(rest.audit_log_next_cursor).toBeNull();

    for (const [query, field] of [
      ["audit_cursor=not-a-cursor", "query.audit_cursor"],
      ["audit_limit=0", "query.audit_limit"],
      ["audit_limit=1001", "query.audit_limit"],
    ]) {
      const response = await sendAs(admin, "POST", `/v1/privacy/export?${query}`, { email: address });
      expect(response.status, query).toBe(400);
      const problem = await problemOf(response);
      expect(problem.type).toBe("https://detecktiv.co.uk/problems/validation_failed");
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
  });

  it("answers 404 for an unknown contact id and 400 for a body naming nobody", async () => {
    const admin = await signedIn("admin");
    expect((await sendAs(admin, "POST", "/v1/privacy/export", { contact_id: crypto.randomUUID() })).status).toBe(404);
    expect((await sendAs(admin, "POST", "/v1/privacy/export", {})).status).toBe(400);
    expect((await sendAs(admin, "POST", "/v1/privacy/export", { email: "not an email" })).status).toBe(400);
  });
});

describe("POST /v1/privacy/erase", () => {
  it("hard-deletes every record of the person, leaves a receipt without personal data, and refuses them again", async () => {
    const admin = await signedIn("admin");
    const address = email();
    const host = await company(admin);
    await contact(admin, host.id, { name: "Erin Erase", email: address, phone: "+44 20 7946 0001" });
    const deleted = await contact(admin, (await company(admin, "Other")).id, { name: "Erin Erase", email: address });
    await sendAs(admin, "DELETE", `/v1/contacts/${deleted.body.id}`);
    const bystander = await contact(admin, host.id, { name: "Bystander", email: email() });

    const response = await sendAs(admin, "POST", "/v1/privacy/erase", { email: address });
    expect(response.status).toBe(200);
    const receipt = (await response.json()) as { receipt_id: string; erased: { contacts: number }; suppressed: number };
    expect(receipt.erased).toEqual({ contacts: 2 });
    expect(receipt.suppressed).toBe(1);

    const owner = sqlAs("owner");
    const left = await owner.query("SELECT id FROM contacts WHERE tenant_id = $1", [admin.tenant.id]);
    expect(left).toEqual([{ id: bystander.body.id }]);
    const [stored] = await owner.query("SELECT * FROM erasure_receipts WHERE id = $1", [receipt.receipt_id]);
    expect(stored).toMatchObject({ subject_kind: "email", actor_id: admin.user.id, counts: { contacts: 2 } });
    expect(JSON.stringify(stored)).not.toContain(address);
    expect(JSON.stringify(stored)).not.toContain("Erin");
    expect(
      JSON.stringify(await owner.query("SELECT * FROM audit_log WHERE tenant_id = $1", [admin.tenant.id])),
    ).not.toContain(address);

    // Suppressed: adding the address again is refused, by hand or by rectifying another contact.
    const again = await contact(admin, host.id, { name: "Erin Again", email: address.toUpperCase() });
    expect(again.status).toBe(422);
    const rectified = await sendAs(admin, "PATCH", `/v1/contacts/${bystander.body.id}`, { email: address });
    expect(rectified.status).toBe(422);
    // Another tenant's list is its own.
    const other = await signedIn("admin");
    expect((await contact(other, (await company(other)).id, { name: "Erin", email: address })).status).toBe(201);
  });

  it("erases a Companies House officer by contact id, and a re-import skips them", async () => {
    const admin = await signedIn("admin");
    const number = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    const imported = (await (
      await sendAs(admin, "POST", "/v1/companies/import", { company_number: number })
    ).json()) as {
      id: string;
      officers_imported: number;
    };
    expect(imported.officers_imported).toBe(2);
    const officers = (await (await sendAs(admin, "GET", `/v1/companies/${imported.id}/contacts`)).json()) as {
      items: { id: string; name: string; job_title: string | null }[];
    };
    // The import also wrote the person with significant control, in the same instant.
    const officer = officers.items.find((k) => k.job_title === "director");
    if (!officer) throw new Error("no officer");
    const erased = await sendAs(admin, "POST", "/v1/privacy/erase", { contact_id: officer.id });
    expect(erased.status).toBe(200);
    expect(((await erased.json()) as { erased: { contacts: number } }).erased.contacts).toBe(1);

    const refreshed = (await (await sendAs(admin, "POST", `/v1/companies/${imported.id}/refresh`)).json()) as {
      officers_imported: number;
    };
    expect(refreshed.officers_imported).toBe(1);
    const after = (await (await sendAs(admin, "GET", `/v1/companies/${imported.id}/contacts`)).json()) as {
      items: { name: string }[];
    };
    expect(after.items.map((k) => k.name)).not.toContain(officer.name);
  });

  it("forgets the stored response of the request that created the contact", async () => {
    const admin = await signedIn("admin");
    const address = email();
    const host = await company(admin);
    const key = { "Idempotency-Key": `erase-${crypto.randomUUID()}` };
    const body = { name: "Replay Risk", email: address, lawful_basis: "consent" };
    expect((await sendAs(admin, "POST", `/v1/companies/${host.id}/contacts`, body, key)).status).toBe(201);
    await sendAs(admin, "POST", "/v1/privacy/erase", { email: address });
    // No replay of the erased person: the retry is a new request, and the person is suppressed.
    const retried = await sendAs(admin, "POST", `/v1/companies/${host.id}/contacts`, body, key);
    expect(retried.status).toBe(422);
    expect(JSON.stringify(await retried.json())).not.toContain("Replay Risk");
    const stored = await sqlAs("owner").query("SELECT response FROM idempotency_keys WHERE tenant_id = $1", [
      admin.tenant.id,
    ]);
    expect(JSON.stringify(stored)).not.toContain(address);
  });

  it("answers 404 for an unknown contact id, writing nothing", async () => {
    const admin = await signedIn("admin");
    expect((await sendAs(admin, "POST", "/v1/privacy/erase", { contact_id: crypto.randomUUID() })).status).toBe(404);
    const receipts = await sqlAs("owner").query("SELECT id FROM erasure_receipts WHERE tenant_id = $1", [
      admin.tenant.id,
    ]);
    expect(receipts).toEqual([]);
  });

  it("is for admins only", async () => {
    const editor = await signedIn("editor");
    expect((await sendAs(editor, "POST", "/v1/privacy/erase", { email: email() })).status).toBe(403);
    expect((await call("/v1/privacy/erase", { method: "POST" })).status).toBe(401);
  });
});
