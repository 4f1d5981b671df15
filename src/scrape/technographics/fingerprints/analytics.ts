import type { Fingerprint } from "../fingerprint";

/** Web analytics and tag managers. */
export const ANALYTICS: Fingerprint[] = [
  {
    slug: "google-analytics",
    name: "Google Analytics",
    category: "analytics",
    website: "https://marketingplatform.google.com/about/analytics/",
    patterns: {
      // gtag.js loaded for a GA4 (G-) or Universal Analytics (UA-) property; AW- is Google Ads.
      scriptSrc: [
        /^https:\/\/www\.googletagmanager\.com\/gtag\/js\?(?:[^#]*&)?id=(?:G|UA)-[A-Z0-9-]+/i,
        /^https:\/\/(?:www|ssl)\.google-analytics\.com\/(?:analytics|ga)\.js\b/,
      ],
      cookies: [/^_ga(?:_[A-Z0-9]+)?$/, /^_gid$/],
      inlineScript: [
        /\bgtag\(\s*['"]config['"]\s*,\s*['"](?:G|UA)-[A-Z0-9-]+['"]/,
        /google-analytics\.com\/(?:analytics|ga)\.js/,
      ],
    },
    example: { scriptSrcs: ["https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"] },
  },
  {
    slug: "hotjar",
    name: "Hotjar",
    category: "analytics",
    website: "https://www.hotjar.com",
    patterns: {
      scriptSrc: [/^https:\/\/static\.hotjar\.com\/c\/hotjar-\d+\.js\b/, /^https:\/\/script\.hotjar\.com\//],
      cookies: [/^_hjSessionUser_\d+$/, /^_hjSession_\d+$/, /^_hjid$/],
      inlineScript: [/static\.hotjar\.com\/c\/hotjar-/, /\b_hjSettings\s*=\s*\{\s*hjid\s*:/],
    },
    example: {
      inlineScripts:
        "(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:1234567,hjsv:6};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');",
    },
  },
  {
    slug: "microsoft-clarity",
    name: "Microsoft Clarity",
    category: "analytics",
    website: "https://clarity.microsoft.com",
    patterns: {
      scriptSrc: [/^https:\/\/www\.clarity\.ms\/tag\//, /^https:\/\/scripts\.clarity\.ms\//],
      cookies: [/^_cl(?:ck|sk)$/],
      inlineScript: [/www\.clarity\.ms\/tag\//],
    },
    example: { scriptSrcs: ["https://www.clarity.ms/tag/abcd1234ef"] },
  },
  {
    slug: "plausible",
    name: "Plausible Analytics",
    category: "analytics",
    website: "https://plausible.io",
    patterns: {
      scriptSrc: [/^https:\/\/plausible\.io\/js\//],
      inlineScript: [/\bwindow\.plausible\s*=/],
    },
    example: { scriptSrcs: ["https://plausible.io/js/script.js"] },
  },
  {
    slug: "matomo",
    name: "Matomo",
    category: "analytics",
    website: "https://matomo.org",
    patterns: {
      scriptSrc: [/^https:\/\/cdn\.matomo\.cloud\//, /\/(?:matomo|piwik)\.js(?:[?#]|$)/],
      cookies: [/^_pk_(?:id|ses)\.\d+\./],
      inlineScript: [/\b_paq\.push\(\s*\[\s*['"](?:trackPageView|setSiteId|setTrackerUrl)['"]/],
    },
    example: {
      inlineScripts:
        "var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']); _paq.push(['enableLinkTracking']);",
      scriptSrcs: ["https://cdn.matomo.cloud/example.matomo.cloud/matomo.js"],
    },
  },
  {
    slug: "mixpanel",
    name: "Mixpanel",
    category: "analytics",
    website: "https://mixpanel.com",
    patterns: {
      scriptSrc: [/^https:\/\/cdn\d*\.mxpnl\.com\/libs\/mixpanel/],
      cookies: [/^mp_[0-9a-f]+_mixpanel$/],
      inlineScript: [/\bmixpanel\.init\(\s*['"][0-9a-f]{32}['"]/, /cdn\d*\.mxpnl\.com\/libs\/mixpanel/],
    },
    example: { scriptSrcs: ["https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js"] },
  },
  {
    slug: "segment",
    name: "Segment",
    category: "analytics",
    website: "https://segment.com",
    patterns: {
      scriptSrc: [/^https:\/\/cdn\.segment\.com\/analytics\.js\//],
      cookies: [/^ajs_(?:anonymous|user)_id$/],
      inlineScript: [/cdn\.segment\.com\/analytics\.js\//],
    },
    example: { scriptSrcs: ["https://cdn.segment.com/analytics.js/v1/AbCdEf123456/analytics.min.js"] },
  },
  {
    slug: "heap",
    name: "Heap",
    category: "analytics",
    website: "https://www.heap.io",
    patterns: {
      scriptSrc: [/^https:\/\/cdn\.(?:us\.)?heapanalytics\.com\/js\/heap-\d+\.js\b/],
      cookies: [/^_hp2_(?:id|ses_props)\.\d+$/],
      inlineScript: [/\bheap\.load\(\s*['"]?\d+/],
    },
    example: { scriptSrcs: ["https://cdn.heapanalytics.com/js/heap-1234567890.js"] },
  },
  {
    slug: "fathom",
    name: "Fathom Analytics",
    category: "analytics",
    website: "https://usefathom.com",
    patterns: { scriptSrc: [/^https:\/\/cdn\.usefathom\.com\/script\.js\b/] },
    example: { scriptSrcs: ["https://cdn.usefathom.com/script.js"] },
  },
  {
    slug: "cloudflare-web-analytics",
    name: "Cloudflare Web Analytics",
    category: "analytics",
    website: "https://www.cloudflare.com/web-analytics/",
    patterns: {
      scriptSrc: [/^https:\/\/static\.cloudflareinsights\.com\/beacon(?:\.min)?\.js\b/],
      dom: { attributes: [/^data-cf-beacon$/] },
    },
    example: {
      scriptSrcs: [
        "https://static.cloudflareinsights.com/beacon.min.js/v84a3a4012de94ce1a686ba8c167c359c1696973893317",
      ],
      attributeNames: ["data-cf-beacon"],
    },
  },
  {
    slug: "adobe-analytics",
    name: "Adobe Analytics",
    category: "analytics",
    website: "https://business.adobe.com/products/adobe-analytics.html",
    patterns: {
      scriptSrc: [/\/AppMeasurement(?:_Module_[A-Za-z]+)?(?:\.min)?\.js(?:[?#]|$)/, /\/s_code\.js(?:[?#]|$)/],
      cookies: [/^AMCV_[0-9A-F]+%40AdobeOrg$/i, /^s_(?:cc|sq|vi|fid)$/],
      inlineScript: [/\bs_gi\(\s*['"]/],
    },
    example: { scriptSrcs: ["https://www.example.co.uk/assets/js/AppMeasurement.min.js"] },
  },
  {
    slug: "google-tag-manager",
    name: "Google Tag Manager",
    category: "tag_manager",
    website: "https://tagmanager.google.com",
    patterns: {
      scriptSrc: [/^https:\/\/www\.googletagmanager\.com\/gtm\.js\b/],
      iframeSrc: [/^https:\/\/www\.googletagmanager\.com\/ns\.html\b/],
      inlineScript: [/googletagmanager\.com\/gtm\.js/, { pattern: /\bGTM-[A-Z0-9]{4,}\b/, weight: 40 }],
    },
    example: { scriptSrcs: ["https://www.googletagmanager.com/gtm.js?id=GTM-ABC123"] },
  },
  {
    slug: "tealium-iq",
    name: "Tealium iQ",
    category: "tag_manager",
    website: "https://tealium.com/products/tealium-iq-tag-management-system/",
    patterns: {
      scriptSrc: [/^https:\/\/tags\.tiqcdn\.com\/utag\//],
      cookies: [/^utag_main$/],
      inlineScript: [/tags\.tiqcdn\.com\/utag\//, { pattern: /\butag_data\s*=/, weight: 50 }],
    },
    example: { scriptSrcs: ["https://tags.tiqcdn.com/utag/acme/main/prod/utag.js"] },
  },
  {
    slug: "adobe-experience-platform-launch",
    name: "Adobe Experience Platform Launch",
    category: "tag_manager",
    website: "https://business.adobe.com/products/experience-platform/adobe-experience-platform.html",
    patterns: {
      scriptSrc: [/^https:\/\/assets\.adobedtm\.com\//],
      inlineScript: [/assets\.adobedtm\.com\//, /\b_satellite\.pageBottom\(\)/],
    },
    example: {
      scriptSrcs: ["https://assets.adobedtm.com/0a1b2c3d4e5f/6a7b8c9d0e1f/launch-EN0123456789abcdef.min.js"],
    },
  },
];
