import type { Fingerprint } from "./fingerprint";
import { ADVERTISING_AND_PAYMENTS } from "./fingerprints/advertising-payments";
import { ANALYTICS } from "./fingerprints/analytics";
import { CHAT_AND_CRM } from "./fingerprints/chat-crm";
import { CMS } from "./fingerprints/cms";
import { CONSENT } from "./fingerprints/consent";
import { ECOMMERCE } from "./fingerprints/ecommerce";
import { FRAMEWORKS } from "./fingerprints/frameworks";
import { INFRASTRUCTURE } from "./fingerprints/infrastructure";
import { MARKETING } from "./fingerprints/marketing";

export { type Fingerprint, TECH_CATEGORIES, type TechCategory } from "./fingerprint";

/**
 * Our curated technographics fingerprints, one file per family under `fingerprints/`. Written
 * from how the products show on public pages (hosts, generator tags, headers, cookie names),
 * not copied from any GPL data set.
 */
export const FINGERPRINTS: readonly Fingerprint[] = [
  ...CMS,
  ...ECOMMERCE,
  ...ANALYTICS,
  ...MARKETING,
  ...CHAT_AND_CRM,
  ...CONSENT,
  ...ADVERTISING_AND_PAYMENTS,
  ...FRAMEWORKS,
  ...INFRASTRUCTURE,
];
