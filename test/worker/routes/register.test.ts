import { beforeAll, describe, expect, it } from "vitest";
import { signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, problemOf, sqlAs } from "../harness";
import { seedRegister } from "../register";

type Page = {
  items: {
    company_number: string;
    name: string;
    sic: { code: string; description: string | null; section: string | null }[];
  }[];
  next_cursor: string | null;
};

const ROWS = [
  {
    company_number: "SC900001",
    name: "ZZREG ALPHA SOFTWARE LTD",
    postcode: "EC1A 1BB",
    sic_codes: ["62012"],
    incorporation_date: "2019-03-01",
  },
  {
    company_number: "SC900002",
    name: "ZZREG BETA PROPERTIES LTD",
    postcode: "M1 1AE",
    sic_codes: ["68209"],
    incorporation_date: "2021-06-30",
  },
  {
    company_number: "SC900003",
    name: "ZZREG GAMMA DATA LTD",
    postcode: "EC2M 7PY",
    sic_codes: ["63110", "70229"],
    status: "Liquidation",
  },
  {
    company_number: "SC900004",
    name: "ZZREG DELTA HOLDINGS LLP",
    postcode: "LS1 4AP",
    sic_codes: ["99999"],
    category: "Limited Liability Partnership",
  },
  {
    company_number: "SC900005",
    name: "ZZREG EPSILON SOFTWARE LTD",
    postcode: "EC1A 4HD",
    sic_codes: ["62020"],
    incorporation_date: "2024-11-11",
  },
  { company_number: "SC900006", name: "ZZREG GONE LTD", postcode: "EC1A 2AA", sic_codes: ["62012"], gone: true },
];

describe("GET /v1/register/companies", () => {
  let viewer: Awaited<ReturnType<typeof signedIn>>;
  const list = async (query: string) => {
    const response = await call(`/v1/register/companies?name=zzreg&${query}`, { headers: viewer.headers });
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  };
  const numbers = (page: Page) => page.items.map((item) => item.company_number);

  beforeAll(async () => {
    viewer = await signedIn("viewer");
    await seedRegister(ROWS);
  });

  it("lists by name prefix in name order, page by page, without gone companies", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([
      "ZZREG ALPHA SOFTWARE LTD",
      "ZZREG BETA PROPERTIES LTD",
      "ZZREG DELTA HOLDINGS LLP",
      "ZZREG EPSILON SOFTWARE LTD",
      "ZZREG GAMMA DATA LTD",
    ]);
    expect(numbers(await list("include_gone=true"))).toContain("SC900006");
  });

  it("filters by SIC code, section, postcode area, district and prefix, status, category and incorporation", async () => {
    expect(numbers(await list("sic=62012,62020"))).toEqual(["SC900001", "SC900005"]);
    expect(numbers(await list("sic_section=J"))).toEqual(["SC900001", "SC900005", "SC900003"]);
    expect(numbers(await list("sic_section=j,l&postcode_area=ec"))).toEqual(["SC900001", "SC900005", "SC900003"]);
    expect(numbers(await list("postcode_district=EC1A"))).toEqual(["SC900001", "SC900005"]);
    expect(numbers(await list("postcode=ec1a%201"))).toEqual(["SC900001"]);
    expect(numbers(await list("status=Liquidation"))).toEqual(["SC900003"]);
    expect(numbers(await list("category=Limited%20Liability%20Partnership"))).toEqual(["SC900004"]);
    expect(numbers(await list("incorporated_from=2021-01-01&incorporated_to=2024-12-31"))).toEqual([
      "SC900002",
      "SC900005",
    ]);
  });

  it("finds similar names, best first, and describes SIC codes", async () => {
    const response = await call("/v1/register/companies?name=zzreg%20alpha%20sofware&name_match=similar", {
      headers: viewer.headers,
    });
    const page = (await response.json()) as Page;
    expect(page.items[0]?.company_number).toBe("SC900001");
    expect(page.items[0]?.sic).toEqual([
      { code: "62012", description: "Business and domestic software development", section: "J" },
    ]);
  });

  it("pages through similar names best first, each company once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await call(
        `/v1/register/companies?name=zzreg%20software&name_match=similar&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        { headers: viewer.headers },
      );
      const page = (await response.json()) as Page;
      seen.push(...numbers(page));
      cursor = page.next_cursor;
    } while (cursor && seen.length < 10);
    expect(seen.slice(0, 2).sort()).toEqual(["SC900001", "SC900005"]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain("SC900006");
  });

  it("ranks similar names exactly as ranking every candidate would, page by page, with filters", async () => {
    // Names of many lengths (trigram buckets), the word and a near spelling of it, some dissolved:
    // the bucket walk must give the very order a full ranking gives, across page boundaries.
    const fillers = ["", "north", "quantum bridge", "a", "river oak consulting", "bright", "west dales"];
    const rows = Array.from({ length: 48 }, (_, i) => ({
      company_number: `WK${String(i).padStart(6, "0")}`,
      name: `${fillers[i % fillers.length]} ${i % 5 === 0 ? "ZZWALKWRD" : "ZZWALKWORD"} ${"X".repeat(i % 4)} LTD`.trim(),
      postcode: "EC1A 1BB",
      sic_codes: ["62012"],
      ...(i % 6 === 0 ? { status: "Dissolved" } : {}),
    }));
    await seedRegister(rows);
    const expected = async (status: string | null) =>
      (
        (await sqlAs("owner").query(
          `select company_number from register_companies
            where gone_at is null and name_key like '%zzwalkw%' and ($1::text is null or status = $1)
            order by name_key <-> 'zzwalkword', name_key collate "C", company_number`,
          [status],
        )) as { company_number: string }[]
      ).map((row) => row.company_number);
    const paged = async (filter: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response = await call(
          `/v1/register/companies?name=zzwalkword&name_match=similar&limit=5${filter}${cursor ? `&cursor=${cursor}` : ""}`,
          { headers: viewer.headers },
        );
        expect(response.status).toBe(200);
        const page = (await response.json()) as Page;
        seen.push(...numbers(page));
        cursor = page.next_cursor;
      } while (cursor);
      return seen;
    };
    const all = await expected(null);
    expect(all.length).toBe(48);
    expect(await paged("")).toEqual(all);
    expect(await paged("&status=Dissolved")).toEqual(await expected("Dissolved"));
  });

  it("matches every word of a similar name, or a near spelling of it, leaving legal forms aside", async () => {
    const similar = async (name: string) => {
      const response = await call(`/v1/register/companies?name=${encodeURIComponent(name)}&name_match=similar`, {
        headers: viewer.headers,
      });
      expect(response.status, name).toBe(200);
      return numbers((await response.json()) as Page);
    };
    expect(await similar("zzreg beta propertys")).toEqual(["SC900002"]);
    expect(await similar("The ZZREG Alpha Software Limited")).toEqual(["SC900001"]);
    // Alpha and properties are words of two different companies: none has both.
    expect(await similar("zzreg alpha properties")).toEqual([]);
  });

  it("finds a renamed company by the words of its new name", async () => {
    await seedRegister([{ company_number: "SC900007", name: "ZZREG KAPPA FOODS LTD", postcode: "EC1A 3AA" }]);
    await sqlAs("owner").query(
      "update register_companies set name = 'ZZREG KAPPA QUIXOTIC LTD' where company_number = $1",
      ["SC900007"],
    );
    const response = await call("/v1/register/companies?name=zzreg%20quixotik&name_match=similar", {
      headers: viewer.headers,
    });
    expect(numbers((await response.json()) as Page)).toEqual(["SC900007"]);
  });

  it("refuses bad filters with a 400 that names them", async () => {
    for (const query of [
      "sic=6201",
      "sic_section=Z",
      "postcode_area=E1",
      "name=ab&name_match=similar",
      "name=the%20limited&name_match=similar",
      "name=a1%20b2%20c3%20d4%20e5%20f6%20g7%20h8%20i9&name_match=similar",
      "incorporated_from=2024-01-01&incorporated_to=2023-01-01",
    ]) {
      const response = await call(`/v1/register/companies?${query}`, { headers: viewer.headers });
      expect(response.status, query).toBe(400);
      expect((await problemOf(response)).errors?.length, query).toBeGreaterThan(0);
    }
  });
});

describe("GET /v1/sic-codes", () => {
  it("searches UK SIC 2007 by words or code prefix, within a section", async () => {
    const viewer = await signedIn("viewer");
    const words = (await (await call("/v1/sic-codes?q=software&section=j", { headers: viewer.headers })).json()) as {
      items: { code: string; section: string; section_title: string }[];
    };
    expect(words.items.map((item) => item.code)).toEqual(["58290", "62011", "62012"]);
    expect(words.items[0]?.section_title).toBe("Information and communication");
    const prefix = (await (await call("/v1/sic-codes?q=620", { headers: viewer.headers })).json()) as {
      items: { code: string }[];
    };
    expect(prefix.items.map((item) => item.code)).toEqual(["62011", "62012", "62020", "62030", "62090"]);
    const all = (await (await call("/v1/sic-codes", { headers: viewer.headers })).json()) as { items: unknown[] };
    expect(all.items).toHaveLength(731);
  });
});

describe("POST /v1/companies/bulk", () => {
  beforeAll(async () => {
    await seedRegister([
      { company_number: "SC910001", name: "ZZBULK ONE LTD", postcode: "EC1A 1BB", sic_codes: ["62012"] },
      { company_number: "SC910002", name: "ZZBULK TWO LTD", postcode: "M1 1AE", sic_codes: ["68209"] },
      { company_number: "SC910003", name: "ZZBULK GONE LTD", gone: true },
    ]);
  });

  it("adds register companies in one round trip, answering created, existed and unknown", async () => {
    const editor = await signedIn("editor");
    const send = (numbers: string[], requestId = newRequestId()) =>
      call("/v1/companies/bulk", {
        method: "POST",
        headers: { ...editor.headers, "content-type": "application/json", "x-request-id": requestId },
        body: JSON.stringify({ company_numbers: numbers }),
      });
    const requestId = newRequestId();
    const first = await send(["SC910001", "sc 910002", "SC910003", "SC919999"], requestId);
    expect(first.status).toBe(200);
    const body = (await first.json()) as {
      created: { id: string; company_number: string }[];
      existed: unknown[];
      unknown: string[];
    };
    expect(body.created.map((c) => c.company_number)).toEqual(["SC910001", "SC910002"]);
    expect(body.existed).toEqual([]);
    expect(body.unknown).toEqual(["SC910003", "SC919999"]);
    expect(await databaseRoundTrips(requestId)).toBe(1);

    const again = (await (await send(["SC910001"])).json()) as typeof body;
    expect(again.created).toEqual([]);
    expect(again.existed).toEqual([body.created[0]]);

    const company = (await (
      await call(`/v1/companies/${body.created[0]?.id}`, { headers: editor.headers })
    ).json()) as {
      name: string;
      sic: unknown[];
      registered_office: { postal_code?: string };
      provenance: { source: string };
    };
    expect(company.name).toBe("ZZBULK ONE LTD");
    expect(company.sic).toEqual([
      { code: "62012", description: "Business and domestic software development", section: "J" },
    ]);
    expect(company.registered_office.postal_code).toBe("EC1A 1BB");
    expect(company.provenance.source).toBe("companies_house");

    const inJ = (await (await call("/v1/companies?sic_section=J", { headers: editor.headers })).json()) as {
      items: { company_number: string }[];
    };
    expect(inJ.items.map((c) => c.company_number)).toEqual(["SC910001"]);
  });

  it("refuses more than 1,000 numbers or a malformed one, adding nothing", async () => {
    const editor = await signedIn("editor");
    const post = (numbers: unknown) =>
      call("/v1/companies/bulk", {
        method: "POST",
        headers: { ...editor.headers, "content-type": "application/json" },
        body: JSON.stringify({ company_numbers: numbers }),
      });
    const many = Array.from({ length: 1001 }, (_, i) => String(i + 1).padStart(8, "0"));
    expect((await post(many)).status).toBe(400);
    expect((await post(["SC910001", "not a number"])).status).toBe(400);
    const listed = (await (await call("/v1/companies", { headers: editor.headers })).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });
});
