import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeCompanyOverrides } from "./fake-companies-house-controls";

export const FAKE_COMPANIES_HOUSE_KEY = "fake-companies-house-key";

/** Numbers with special behaviour; any other 8-character number is a healthy active company. */
export const SPECIAL_NUMBERS = {
  missing: "00000404",
  flaky: "00000429", // 429 on the first call of each path, then fine
  down: "00000500", // always 500
  malformed: "00000502", // profile without a company name
  slow: "00000408", // every answer after SLOW_MS: slow, but within the client's budget
  hanging: "00000504", // never answers (the client's time budget must end the call)
} as const;

export const SLOW_MS = 700;

const DEFAULT_OFFICERS = [
  {
    name: "SMITH, Jane Alice",
    officer_role: "director",
    appointed_on: "2015-03-01",
    occupation: "Company Director",
    links: { officer: { appointments: "/officers/abc123/appointments" } },
  },
  {
    name: "JONES, Robert",
    officer_role: "secretary",
    appointed_on: "2016-07-12",
    links: { officer: { appointments: "/officers/def456/appointments" } },
  },
  {
    name: "FORMER, Person",
    officer_role: "director",
    appointed_on: "2010-01-01",
    resigned_on: "2014-12-31",
    links: { officer: { appointments: "/officers/old789/appointments" } },
  },
];

const defaultPscs = (number: string) => [
  {
    kind: "individual-person-with-significant-control",
    name: "Mr Mark David Owner",
    name_elements: { title: "Mr", forename: "Mark", middle_name: "David", surname: "Owner" },
    natures_of_control: ["ownership-of-shares-50-to-75-percent", "voting-rights-50-to-75-percent"],
    notified_on: "2016-04-06",
    nationality: "British",
    country_of_residence: "England",
    date_of_birth: { month: 5, year: 1970 },
    links: { self: `/company/${number}/persons-with-significant-control/individual/psc-mark-owner` },
  },
  {
    kind: "corporate-entity-person-with-significant-control",
    name: "HOLDCO GROUP LIMITED",
    natures_of_control: ["ownership-of-shares-25-to-50-percent"],
    notified_on: "2016-04-06",
    identification: { legal_form: "Limited Company", registration_number: "01234567" },
    links: { self: `/company/${number}/persons-with-significant-control/corporate-entity/psc-holdco` },
  },
];

const DEFAULT_FILINGS = [
  {
    category: "accounts",
    date: "2025-09-30",
    description: "accounts-with-accounts-type-total-exemption-full",
    type: "AA",
    action_date: "2024-12-31",
  },
];

/**
 * A local stand-in for the Companies House public data API: profile and officers shaped like the
 * real responses, HTTP basic auth with the key as user name, and failure modes by number.
 */
export async function startFakeCompaniesHouse() {
  const seen = new Map<string, number>();
  const overrides = new Map<string, FakeCompanyOverrides>();
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    let delayMs = 0;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const answer = () => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    };
    const control = /^\/__fake\/company\/([A-Z0-9]{8})$/.exec(new URL(req.url ?? "/", "http://ch").pathname);
    if (control?.[1]) {
      const number = control[1];
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        if (req.method === "DELETE") overrides.delete(number);
        else overrides.set(number, JSON.parse(body || "{}") as FakeCompanyOverrides);
        res.writeHead(204);
        res.end();
      });
      return;
    }
    const expected = `Basic ${Buffer.from(`${FAKE_COMPANIES_HOUSE_KEY}:`).toString("base64")}`;
    if (req.headers.authorization !== expected) return send(401, { error: "Invalid Authorization" });
    const path = new URL(req.url ?? "/", "http://ch").pathname;
    if (path === "/__stats") return send(200, { requests });
    const match =
      /^\/company\/([A-Z0-9]{8})(\/(?:officers|persons-with-significant-control|charges|insolvency|filing-history))?$/.exec(
        path,
      );
    if (!match?.[1]) return send(404, { errors: [{ error: "not-found" }] });
    const [, number, part] = match;
    const override = overrides.get(number) ?? {};
    if (override.down) return send(503, { error: "Service Unavailable" });
    const calls = (seen.get(path) ?? 0) + 1;
    seen.set(path, calls);
    if (number === SPECIAL_NUMBERS.missing)
      return send(404, { errors: [{ error: "company-profile-not-found", type: "ch:service" }] });
    if (number === SPECIAL_NUMBERS.down) return send(500, { error: "internal" });
    if (number === SPECIAL_NUMBERS.hanging) return;
    if (number === SPECIAL_NUMBERS.slow) delayMs = SLOW_MS;
    if (number === SPECIAL_NUMBERS.flaky && calls === 1)
      return send(429, { error: "rate limited" }, { "retry-after": "0" });
    if (part === "/officers") {
      const items = (override.officers ?? DEFAULT_OFFICERS) as { resigned_on?: string }[];
      return send(200, {
        kind: "officer-list",
        active_count: items.filter((o) => !o.resigned_on).length,
        resigned_count: items.filter((o) => o.resigned_on).length,
        items_per_page: 35,
        items,
      });
    }
    if (part === "/persons-with-significant-control") {
      const items = (override.pscs ?? defaultPscs(number)) as { ceased_on?: string }[];
      return send(200, {
        active_count: items.filter((p) => !p.ceased_on).length,
        ceased_count: items.filter((p) => p.ceased_on).length,
        items_per_page: 25,
        start_index: 0,
        total_results: items.length,
        items,
        links: { self: `/company/${number}/persons-with-significant-control` },
      });
    }
    if (part === "/charges") {
      const counts = override.charges ?? { total_count: 2, satisfied_count: 1 };
      return send(200, {
        etag: "fake",
        ...counts,
        part_satisfied_count: 0,
        unfiltered_count: counts.total_count,
        items: [
          {
            charge_number: 1,
            status: "outstanding",
            classification: { type: "charge-description", description: "A registered charge" },
          },
        ],
      });
    }
    if (part === "/insolvency") {
      if (!override.insolvency) return send(404, { errors: [{ error: "company-insolvencies-not-found" }] });
      return send(200, { etag: "fake", ...override.insolvency });
    }
    if (part === "/filing-history") {
      const items = override.filings ?? DEFAULT_FILINGS;
      return send(200, { filing_history_status: "filing-history-available", total_count: items.length, items });
    }
    if (number === SPECIAL_NUMBERS.malformed) return send(200, { company_number: number, company_status: "active" });
    return send(200, {
      company_name: `FAKE COMPANY ${number} LIMITED`,
      company_number: number,
      company_status: "active",
      type: "ltd",
      date_of_creation: "2015-02-20",
      jurisdiction: "england-wales",
      sic_codes: ["62012", "62020"],
      registered_office_address: {
        premises: "1",
        address_line_1: "High Street",
        locality: "London",
        postal_code: "EC1A 1BB",
        country: "England",
      },
      accounts: {
        accounting_reference_date: { day: "31", month: "12" },
        last_accounts: { made_up_to: "2024-12-31", period_end_on: "2024-12-31", type: "total-exemption-full" },
        next_accounts: { due_on: "2026-09-30", period_end_on: "2025-12-31", overdue: false },
        next_due: "2026-09-30",
        next_made_up_to: "2025-12-31",
        overdue: false,
      },
      confirmation_statement: {
        last_made_up_to: "2025-02-20",
        next_due: "2026-03-06",
        next_made_up_to: "2026-02-20",
        overdue: false,
      },
      has_charges: true,
      has_insolvency_history: false,
      links: {
        self: `/company/${number}`,
        persons_with_significant_control: `/company/${number}/persons-with-significant-control`,
        filing_history: `/company/${number}/filing-history`,
        charges: `/company/${number}/charges`,
      },
      ...override.profile,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
