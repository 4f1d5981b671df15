import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

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

/**
 * A local stand-in for the Companies House public data API: profile and officers shaped like the
 * real responses, HTTP basic auth with the key as user name, and failure modes by number.
 */
export async function startFakeCompaniesHouse() {
  const seen = new Map<string, number>();
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
    const expected = `Basic ${Buffer.from(`${FAKE_COMPANIES_HOUSE_KEY}:`).toString("base64")}`;
    if (req.headers.authorization !== expected) return send(401, { error: "Invalid Authorization" });
    const path = new URL(req.url ?? "/", "http://ch").pathname;
    if (path === "/__stats") return send(200, { requests });
    const match = /^\/company\/([A-Z0-9]{8})(\/officers)?$/.exec(path);
    if (!match?.[1]) return send(404, { errors: [{ error: "not-found" }] });
    const [, number, officers] = match;
    const calls = (seen.get(path) ?? 0) + 1;
    seen.set(path, calls);
    if (number === SPECIAL_NUMBERS.missing)
      return send(404, { errors: [{ error: "company-profile-not-found", type: "ch:service" }] });
    if (number === SPECIAL_NUMBERS.down) return send(500, { error: "internal" });
    if (number === SPECIAL_NUMBERS.hanging) return;
    if (number === SPECIAL_NUMBERS.slow) delayMs = SLOW_MS;
    if (number === SPECIAL_NUMBERS.flaky && calls === 1)
      return send(429, { error: "rate limited" }, { "retry-after": "0" });
    if (officers) {
      return send(200, {
        kind: "officer-list",
        active_count: 2,
        resigned_count: 1,
        items: [
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
        ],
      });
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
      links: { self: `/company/${number}` },
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
