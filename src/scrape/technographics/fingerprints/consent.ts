import type { Fingerprint } from "../fingerprint";

/** Cookie consent managers (CMPs). */
export const CONSENT: Fingerprint[] = [
  {
    slug: "onetrust",
    name: "OneTrust",
    category: "consent",
    website: "https://www.onetrust.com",
    patterns: {
      scriptSrc: [/^https:\/\/(?:cdn(?:-[a-z]+)?\.cookielaw\.org|[a-z0-9-]+\.onetrust\.com)\//],
      cookies: [/^OptanonConsent$/, /^OptanonAlertBoxClosed$/],
      inlineScript: [/\bfunction OptanonWrapper\s*\(/],
      dom: { ids: [/^onetrust-(?:consent-sdk|banner-sdk)$/] },
    },
    example: {
      scriptSrcs: ["https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"],
      inlineScripts: "function OptanonWrapper() { }",
    },
  },
  {
    slug: "cookiebot",
    name: "Cookiebot",
    category: "consent",
    website: "https://www.cookiebot.com",
    patterns: {
      scriptSrc: [/^https:\/\/consent(?:cdn)?\.cookiebot\.(?:com|eu)\//],
      inlineScript: [/consent(?:cdn)?\.cookiebot\.(?:com|eu)\//],
      dom: { ids: [/^(?:Cookiebot|CookieDeclaration|CybotCookiebotDialog)$/] },
    },
    example: {
      scriptSrcs: ["https://consent.cookiebot.com/uc.js"],
      elementIds: ["Cookiebot"],
    },
  },
  {
    slug: "cookieyes",
    name: "CookieYes",
    category: "consent",
    website: "https://www.cookieyes.com",
    patterns: {
      scriptSrc: [/^https:\/\/cdn-cookieyes\.com\//, /^https:\/\/app\.cookieyes\.com\//],
      cookies: [/^cookieyes-consent$/],
      dom: { ids: [/^cookieyes$/] },
    },
    example: { scriptSrcs: ["https://cdn-cookieyes.com/client_data/0a1b2c3d4e5f6a7b8c9d0e1f/script.js"] },
  },
  {
    slug: "osano",
    name: "Osano",
    category: "consent",
    website: "https://www.osano.com",
    patterns: {
      scriptSrc: [/^https:\/\/cmp\.osano\.com\//],
      cookies: [/^osano_consentmanager(?:_uuid)?$/],
    },
    example: { scriptSrcs: ["https://cmp.osano.com/AzZdAbCdEfGh1234/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/osano.js"] },
  },
  {
    slug: "termly",
    name: "Termly",
    category: "consent",
    website: "https://termly.io",
    patterns: {
      scriptSrc: [/^https:\/\/app\.termly\.io\/(?:embed|resource-blocker)\b/],
      inlineScript: [/app\.termly\.io\/embed(?:-policy)?\.min\.js/],
    },
    example: {
      scriptSrcs: ["https://app.termly.io/resource-blocker/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d?autoBlock=on"],
    },
  },
  {
    slug: "quantcast-choice",
    name: "InMobi Choice (Quantcast Choice)",
    category: "consent",
    website: "https://www.inmobi.com/choice",
    patterns: {
      scriptSrc: [/^https:\/\/(?:cmp\.quantcast\.com|cmp\.inmobi\.com|quantcast\.mgr\.consensu\.org)\/choice\//],
      inlineScript: [/cmp\.(?:quantcast|inmobi)\.com/],
    },
    example: {
      inlineScripts:
        "(function() { var host = window.location.hostname; var element = document.createElement('script'); var url = 'https://cmp.inmobi.com'.concat('/choice/', 'AbCdEfGh12345', '/', host, '/choice.js?tag_version=V3'); element.async = true; })();",
    },
  },
  {
    slug: "civic-cookie-control",
    name: "Civic Cookie Control",
    category: "consent",
    website: "https://www.civicuk.com/cookie-control",
    patterns: {
      scriptSrc: [/^https:\/\/cc\.cdn\.civiccomputing\.com\//],
      cookies: [/^CookieControl$/],
      inlineScript: [/\bCookieControl\.load\(/],
    },
    example: {
      scriptSrcs: ["https://cc.cdn.civiccomputing.com/9/cookieControl-9.x.min.js"],
      inlineScripts: "var config = { apiKey: 'abc', product: 'PRO_MULTISITE' }; CookieControl.load(config);",
    },
  },
  {
    slug: "usercentrics",
    name: "Usercentrics",
    category: "consent",
    website: "https://usercentrics.com",
    patterns: {
      scriptSrc: [/^https:\/\/(?:app|web\.cmp|privacy-proxy)\.usercentrics\.eu\//],
      dom: { ids: [/^usercentrics-(?:cmp|root)$/] },
    },
    example: {
      scriptSrcs: ["https://web.cmp.usercentrics.eu/ui/loader.js"],
      elementIds: ["usercentrics-cmp"],
    },
  },
];
