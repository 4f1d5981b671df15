import type { PageExtract, PageLink } from "./extract";

export const SOCIAL_NETWORKS = ["linkedin", "x", "facebook", "github", "youtube"] as const;
export type SocialNetwork = (typeof SOCIAL_NETWORKS)[number];

/** A company's public web presence, as its own site shows it. */
export interface WebProfile {
  title: string | null;
  description: string | null;
  canonical_url: string | null;
  open_graph: Record<string, string>;
  social_profiles: Partial<Record<SocialNetwork, string[]>>;
  contact_pages: string[];
  careers_pages: string[];
  phones: string[];
  /** Role addresses only (info@, sales@...): personal addresses are never kept. */
  emails: string[];
}

const SOCIAL_HOSTS: [RegExp, SocialNetwork][] = [
  [/^(?:[a-z]{2,3}\.)?linkedin\.com$/, "linkedin"],
  [/^(?:twitter|x)\.com$/, "x"],
  [/^(?:[a-z]{2}-[a-z]{2}\.)?facebook\.com$/, "facebook"],
  [/^github\.com$/, "github"],
  [/^(?:m\.)?youtube\.com$/, "youtube"],
];
/** Share buttons and widgets, not profiles. */
const NOT_A_PROFILE = /\/(?:share|sharer|intent|shareArticle|embed|watch|hashtag|search|login|signup|home)(?:[/.?]|$)/i;

const ROLE_LOCAL_PARTS = new Set([
  "info",
  "sales",
  "hello",
  "contact",
  "contactus",
  "enquiries",
  "enquiry",
  "support",
  "help",
  "office",
  "admin",
  "accounts",
  "billing",
  "marketing",
  "press",
  "media",
  "pr",
  "careers",
  "jobs",
  "recruitment",
  "service",
  "services",
  "team",
  "general",
  "reception",
  "bookings",
  "orders",
  "partners",
  "partnerships",
  "newbusiness",
]);

const CONTACT_PATH = /(?:^|\/)(?:contact|contact-us|contactus|get-in-touch|enquir(?:y|ies)|find-us)(?:[/.-]|$)/i;
const CAREERS_PATH = /(?:^|\/)(?:careers?|jobs|vacancies|join-us|work-with-us|recruitment)(?:[/.-]|$)/i;
const ABOUT_PATH = /(?:^|\/)(?:about|about-us|company|who-we-are|our-story|team|our-team|people)(?:[/.-]|$)/i;
const NOT_HTML = /\.(?:pdf|jpe?g|png|gif|svg|webp|zip|docx?|xlsx?|pptx?|mp4|mp3|css|js|xml|json|ico)$/i;

function socialNetwork(url: URL): SocialNetwork | null {
  const host = url.hostname.toLowerCase().replace(/^www\./, "");
  if (url.pathname.length <= 1 || NOT_A_PROFILE.test(url.pathname)) return null;
  return SOCIAL_HOSTS.find(([pattern]) => pattern.test(host))?.[1] ?? null;
}

/** Same site: same host, `www.` aside. */
export function sameSite(a: URL, b: URL): boolean {
  const bare = (url: URL) => url.host.toLowerCase().replace(/^www\./, "");
  return bare(a) === bare(b);
}

function pageKind(link: PageLink): "contact" | "careers" | "about" | null {
  const text = link.text.toLowerCase();
  if (CONTACT_PATH.test(link.url.pathname) || /^contact\b|get in touch/.test(text)) return "contact";
  if (CAREERS_PATH.test(link.url.pathname) || /^(?:careers?|jobs|vacancies|join us)\b/.test(text)) return "careers";
  if (ABOUT_PATH.test(link.url.pathname) || /^(?:about|our team|who we are)\b/.test(text)) return "about";
  return null;
}

/**
 * The same-site pages worth a visit after the home page, best first: contact, about, careers
 * (one of each kind before a second of any).
 */
export function pagesToVisit(home: URL, links: PageLink[], max: number): URL[] {
  const byKind = new Map<string, URL[]>([
    ["contact", []],
    ["about", []],
    ["careers", []],
  ]);
  const seen = new Set([home.href]);
  for (const link of links) {
    const url = new URL(link.url);
    url.search = "";
    if (!sameSite(url, home) || NOT_HTML.test(url.pathname) || seen.has(url.href)) continue;
    const kind = pageKind(link);
    if (!kind) continue;
    seen.add(url.href);
    byKind.get(kind)?.push(url);
  }
  const chosen: URL[] = [];
  for (let round = 0; chosen.length < max; round++) {
    const picks = [...byKind.values()].map((urls) => urls[round]).filter((url): url is URL => url !== undefined);
    if (picks.length === 0) break;
    chosen.push(...picks.slice(0, max - chosen.length));
  }
  return chosen;
}

function roleAddress(address: string, site: URL): string | null {
  const match = /^([a-z0-9._%+-]+)@([a-z0-9.-]+)$/.exec(address);
  if (!match?.[1] || !match[2]) return null;
  // Only the company's own domain: a third party's address is not a contact point of this company.
  const domain = site.hostname.replace(/^www\./, "");
  if (match[2] !== domain && !match[2].endsWith(`.${domain}`)) return null;
  return ROLE_LOCAL_PARTS.has(match[1]) ? address : null;
}

/** Bounds the API publishes for a web profile (see routes/companies/get-company-signals.ts). */
export const MAX_PROFILE_LIST = 20;
export const MAX_PAGES_LISTED = 5;
const MAX_PHONE = 16;
const MAX_EMAIL = 320;

function addUnique(list: string[], value: string, max = MAX_PROFILE_LIST): void {
  if (!list.includes(value) && list.length < max) list.push(value);
}

/** Merges the pages of one scrape (home page first) into the company's web profile. */
export function buildWebProfile(home: URL, pages: PageExtract[]): WebProfile {
  const [first] = pages;
  const profile: WebProfile = {
    title: first?.title ?? null,
    description: first?.description ?? first?.openGraph.description ?? null,
    canonical_url: first?.canonicalUrl ?? null,
    open_graph: first?.openGraph ?? {},
    social_profiles: {},
    contact_pages: [],
    careers_pages: [],
    phones: [],
    emails: [],
  };
  for (const page of pages) {
    for (const link of page.links) {
      const network = socialNetwork(link.url);
      if (network) {
        profile.social_profiles[network] ??= [];
        addUnique(profile.social_profiles[network], link.url.href.replace(/\/$/, ""), MAX_PAGES_LISTED);
        continue;
      }
      if (!sameSite(link.url, home) || NOT_HTML.test(link.url.pathname)) continue;
      const kind = pageKind(link);
      if (kind === "contact") addUnique(profile.contact_pages, link.url.href, MAX_PAGES_LISTED);
      if (kind === "careers") addUnique(profile.careers_pages, link.url.href, MAX_PAGES_LISTED);
    }
    for (const phone of page.phones) {
      const cleaned = phone.replace(/[^\d+]/g, "");
      const digits = cleaned.replace(/\D/g, "").length;
      if (digits >= 7 && digits <= 15 && cleaned.length <= MAX_PHONE) addUnique(profile.phones, cleaned);
    }
    for (const email of page.emails) {
      const role = roleAddress(email, home);
      if (role && role.length <= MAX_EMAIL) addUnique(profile.emails, role);
    }
  }
  return profile;
}
