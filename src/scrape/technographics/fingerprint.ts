import type { EvidenceSource, PageEvidence } from "./evidence";

export const TECH_CATEGORIES = [
  "cms",
  "ecommerce",
  "analytics",
  "tag_manager",
  "marketing_automation",
  "crm",
  "chat",
  "cdn",
  "hosting",
  "js_framework",
  "consent",
  "advertising",
  "payments",
  "web_server",
] as const;
export type TechCategory = (typeof TECH_CATEGORIES)[number];

/** A pattern, or a pattern with its own weight (1-100) when it says more or less than usual. */
export type Pattern = RegExp | { pattern: RegExp; weight: number };

/**
 * How one technology shows on a page. Every pattern kind has a default weight (see detect.ts);
 * `implies` names technologies that must be there too (WooCommerce runs on WordPress).
 */
export interface Fingerprint {
  slug: string;
  name: string;
  category: TechCategory;
  website: string;
  patterns: {
    scriptSrc?: Pattern[];
    linkHref?: Pattern[];
    iframeSrc?: Pattern[];
    /** Meta name/property (lower-case) → content pattern. */
    meta?: Record<string, Pattern>;
    /** Header name (lower-case) → value pattern (`/./` for "present"). */
    headers?: Record<string, Pattern>;
    cookies?: Pattern[];
    inlineScript?: Pattern[];
    dom?: { ids?: Pattern[]; attributes?: Pattern[] };
  };
  implies?: string[];
  /** A realistic minimal page showing it, for the tests. */
  example: Partial<PageEvidence>;
}

export type { EvidenceSource };
