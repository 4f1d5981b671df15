import { inject } from "vitest";
import type { FakeCompanyOverrides } from "../servers/fake-companies-house-controls";
import type { signedIn } from "./factories";
import { call } from "./harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

/** A random healthy company number (the fake serves any 8-digit number as a live company). */
export const companyNumber = () => String(10_000_000 + Math.floor(Math.random() * 89_999_999));

/** Changes what the fake Companies House serves for one company; `null` goes back to the default. */
export async function fakeCompany(number: string, overrides: FakeCompanyOverrides | null): Promise<void> {
  const response = await fetch(`${inject("companiesHouseUrl")}/__fake/company/${number}`, {
    method: overrides === null ? "DELETE" : "PUT",
    ...(overrides === null ? {} : { body: JSON.stringify(overrides) }),
  });
  if (response.status !== 204) throw new Error(`fake Companies House control: ${response.status}`);
}

export async function importCompany(member: Member, number: string) {
  const response = await call("/v1/companies/import", {
    method: "POST",
    headers: { ...member.headers, "content-type": "application/json" },
    body: JSON.stringify({ company_number: number }),
  });
  if (response.status !== 201) throw new Error(`import: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; company_number: string };
}
