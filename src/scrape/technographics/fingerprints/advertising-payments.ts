import type { Fingerprint } from "../fingerprint";

/** Advertising pixels and conversion tags, and payment providers embedded on the page. */
export const ADVERTISING_AND_PAYMENTS: Fingerprint[] = [
  {
    slug: "google-ads",
    name: "Google Ads",
    category: "advertising",
    website: "https://ads.google.com",
    patterns: {
      // gtag.js loaded for a conversion ID (AW-); G- and UA- are Google Analytics.
      scriptSrc: [
        /^https:\/\/www\.googletagmanager\.com\/gtag\/js\?(?:[^#]*&)?id=AW-\d+/,
        /^https:\/\/www\.googleadservices\.com\/pagead\/conversion(?:_async)?\.js\b/,
      ],
      iframeSrc: [/^https:\/\/(?:bid\.g|googleads\.g)\.doubleclick\.net\/pagead\//],
      cookies: [/^_gcl_(?:au|aw)$/],
      inlineScript: [/\bgtag\(\s*['"]config['"]\s*,\s*['"]AW-\d+/, /\bgoogle_conversion_id\s*=/],
    },
    example: { scriptSrcs: ["https://www.googletagmanager.com/gtag/js?id=AW-123456789"] },
  },
  {
    slug: "google-adsense",
    name: "Google AdSense",
    category: "advertising",
    website: "https://adsense.google.com",
    patterns: {
      scriptSrc: [/^https:\/\/pagead2\.googlesyndication\.com\/pagead\/js\/adsbygoogle\.js\b/],
      meta: { "google-adsense-account": /^ca-pub-\d+$/ },
      inlineScript: [/\badsbygoogle\b[^;]{0,40}\.push\(/],
    },
    example: {
      scriptSrcs: ["https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1234567890123456"],
    },
  },
  {
    slug: "meta-pixel",
    name: "Meta Pixel",
    category: "advertising",
    website: "https://www.facebook.com/business/tools/meta-pixel",
    patterns: {
      scriptSrc: [
        /^https:\/\/connect\.facebook\.net\/[a-z]{2}_[A-Z]{2}\/fbevents\.js\b/,
        /^https:\/\/connect\.facebook\.net\/signals\//,
      ],
      cookies: [/^_fb[pc]$/],
      inlineScript: [/connect\.facebook\.net\/[a-z]{2}_[A-Z]{2}\/fbevents\.js/, /\bfbq\(\s*['"]init['"]\s*,\s*['"]\d+/],
    },
    example: {
      inlineScripts:
        "!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js'); fbq('init', '123456789012345'); fbq('track', 'PageView');",
    },
  },
  {
    slug: "linkedin-insight-tag",
    name: "LinkedIn Insight Tag",
    category: "advertising",
    website: "https://business.linkedin.com/marketing-solutions/insight-tag",
    patterns: {
      scriptSrc: [/^https:\/\/snap\.licdn\.com\/li\.lms-analytics\//],
      inlineScript: [/\b_linkedin_partner_id\s*=/, /snap\.licdn\.com\/li\.lms-analytics\//],
    },
    example: {
      inlineScripts:
        '_linkedin_partner_id = "1234567"; window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || []; window._linkedin_data_partner_ids.push(_linkedin_partner_id);',
    },
  },
  {
    slug: "microsoft-advertising-uet",
    name: "Microsoft Advertising UET",
    category: "advertising",
    website: "https://ads.microsoft.com",
    patterns: {
      scriptSrc: [/^https:\/\/bat\.bing\.com\/bat\.js\b/],
      cookies: [/^_uet(?:sid|vid)$/],
      inlineScript: [/bat\.bing\.com\/bat\.js/, /\bnew UET\(/],
    },
    example: { scriptSrcs: ["https://bat.bing.com/bat.js"] },
  },
  {
    slug: "tiktok-pixel",
    name: "TikTok Pixel",
    category: "advertising",
    website: "https://ads.tiktok.com",
    patterns: {
      scriptSrc: [/^https:\/\/analytics\.tiktok\.com\/i18n\/pixel\//],
      cookies: [/^_ttp$/],
      inlineScript: [/analytics\.tiktok\.com\/i18n\/pixel\//, /\bttq\.load\(\s*['"][A-Z0-9]+['"]/],
    },
    example: { inlineScripts: "ttq.load('C0A1B2C3D4E5F6G7H8I9'); ttq.page();" },
  },
  {
    slug: "x-pixel",
    name: "X (Twitter) Pixel",
    category: "advertising",
    website: "https://business.x.com/en/help/campaign-measurement-and-analytics/conversion-tracking-for-websites",
    patterns: {
      scriptSrc: [/^https:\/\/static\.ads-twitter\.com\/(?:uwt|oct)\.js\b/],
      inlineScript: [/static\.ads-twitter\.com\/uwt\.js/, /\btwq\(\s*['"](?:config|init)['"]/],
    },
    example: { scriptSrcs: ["https://static.ads-twitter.com/uwt.js"] },
  },
  {
    slug: "pinterest-tag",
    name: "Pinterest Tag",
    category: "advertising",
    website: "https://business.pinterest.com",
    patterns: {
      scriptSrc: [/^https:\/\/s\.pinimg\.com\/ct\/core\.js\b/],
      inlineScript: [/s\.pinimg\.com\/ct\/core\.js/, /\bpintrk\(\s*['"]load['"]/],
    },
    example: { scriptSrcs: ["https://s.pinimg.com/ct/core.js"] },
  },
  {
    slug: "stripe",
    name: "Stripe",
    category: "payments",
    website: "https://stripe.com",
    patterns: {
      scriptSrc: [/^https:\/\/js\.stripe\.com\//],
      iframeSrc: [/^https:\/\/(?:js|checkout)\.stripe\.com\//],
      cookies: [/^__stripe_(?:mid|sid)$/],
    },
    example: { scriptSrcs: ["https://js.stripe.com/v3/"] },
  },
  {
    slug: "paypal",
    name: "PayPal",
    category: "payments",
    website: "https://www.paypal.com",
    patterns: {
      scriptSrc: [/^https:\/\/www\.paypal\.com\/sdk\/js\b/, /^https:\/\/www\.paypalobjects\.com\/(?:api|js)\//],
      iframeSrc: [/^https:\/\/www\.paypal\.com\/smart\/buttons\b/],
    },
    example: { scriptSrcs: ["https://www.paypal.com/sdk/js?client-id=AbCdEf123&currency=GBP"] },
  },
  {
    slug: "klarna",
    name: "Klarna",
    category: "payments",
    website: "https://www.klarna.com/uk/",
    patterns: {
      scriptSrc: [
        /^https:\/\/x\.klarnacdn\.net\//,
        /^https:\/\/js\.klarna\.com\/web-sdk\//,
        /^https:\/\/[a-z]+-library\.(?:playground\.)?klarnaservices\.com\//,
      ],
    },
    example: { scriptSrcs: ["https://eu-library.klarnaservices.com/lib.js"] },
  },
  {
    slug: "square",
    name: "Square",
    category: "payments",
    website: "https://squareup.com/gb/en",
    patterns: {
      scriptSrc: [/^https:\/\/(?:sandbox\.)?web\.squarecdn\.com\//, /^https:\/\/js\.squareup(?:sandbox)?\.com\//],
    },
    example: { scriptSrcs: ["https://web.squarecdn.com/v1/square.js"] },
  },
];
