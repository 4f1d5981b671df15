import type { Fingerprint } from "../fingerprint";

/** Marketing automation and email marketing. */
export const MARKETING: Fingerprint[] = [
  {
    slug: "hubspot",
    name: "HubSpot",
    category: "marketing_automation",
    website: "https://www.hubspot.com",
    patterns: {
      // Tracking code, forms, cookie banner, collected forms, ads pixel and chat loader hosts.
      scriptSrc: [
        /^https:\/\/js(?:-[a-z]{2}\d)?\.(?:hs-scripts\.com|hs-analytics\.net|hsforms\.net|hs-banner\.com|hscollectedforms\.net|hsadspixel\.net|usemessages\.com)\//,
      ],
      cookies: [/^hubspotutk$/, /^__hs(?:tc|sc|src)$/],
      inlineScript: [/\bhbspt\.forms\.create\(/, /js(?:-[a-z]{2}\d)?\.hs-scripts\.com\//],
      dom: { ids: [/^hs-script-loader$/] },
    },
    example: { scriptSrcs: ["https://js.hs-scripts.com/1234567.js"], elementIds: ["hs-script-loader"] },
  },
  {
    slug: "marketo",
    name: "Marketo Engage",
    category: "marketing_automation",
    website: "https://business.adobe.com/products/marketo/adobe-marketo.html",
    patterns: {
      scriptSrc: [/^https:\/\/munchkin\.marketo\.net\//, /^https:\/\/[a-z0-9-]+\.marketo\.com\/js\/forms2\//],
      cookies: [/^_mkto_trk$/],
      inlineScript: [/\bMunchkin\.init\(\s*['"]\d{3}-[A-Z]{3}-\d{3}['"]/, /\bMktoForms2\.loadForm\(/],
    },
    example: {
      scriptSrcs: ["https://munchkin.marketo.net/munchkin.js"],
      inlineScripts: "Munchkin.init('123-ABC-456');",
    },
  },
  {
    slug: "pardot",
    name: "Salesforce Account Engagement (Pardot)",
    category: "marketing_automation",
    website: "https://www.salesforce.com/marketing/b2b-automation/",
    patterns: {
      scriptSrc: [/^https:\/\/(?:pi|cdn|go)\.pardot\.com\//],
      iframeSrc: [/^https:\/\/go\.pardot\.com\/l\//],
      cookies: [/^visitor_id\d+(?:-hash)?$/, /^pardot$/],
      inlineScript: [/\bpiAId\s*=\s*['"]\d+['"]/, /\b(?:pi|cdn)\.pardot\.com\/pd\.js/],
    },
    example: {
      inlineScripts:
        "piAId = '123456'; piCId = ''; piHostname = 'pi.pardot.com'; (function() { function async_load(){ var s = document.createElement('script'); s.src = ('https:' == document.location.protocol ? 'https://pi' : 'http://cdn') + '.pardot.com/pd.js'; } })();",
    },
  },
  {
    slug: "mailchimp",
    name: "Mailchimp",
    category: "marketing_automation",
    website: "https://mailchimp.com",
    patterns: {
      scriptSrc: [
        /^https:\/\/chimpstatic\.com\/mcjs-connected\//,
        /^https:\/\/s3\.amazonaws\.com\/downloads\.mailchimp\.com\//,
      ],
      linkHref: [/^https:\/\/cdn-images\.mailchimp\.com\/embedcode\//],
      inlineScript: [/chimpstatic\.com\/mcjs-connected\//, /\blist-manage\.com\/subscribe\/post/],
    },
    example: { scriptSrcs: ["https://chimpstatic.com/mcjs-connected/js/users/0123abcd4567ef89/abcdef0123456789.js"] },
  },
  {
    slug: "activecampaign",
    name: "ActiveCampaign",
    category: "marketing_automation",
    website: "https://www.activecampaign.com",
    patterns: {
      scriptSrc: [
        /^https:\/\/diffuser-cdn\.app-us\d+\.com\/diffuser\//,
        /^https:\/\/[a-z0-9-]+\.activehosted\.com\/f\/embed\.php\b/,
        /^https:\/\/trackcmp\.net\//,
      ],
      inlineScript: [/diffuser-cdn\.app-us\d+\.com\/diffuser\//, /\bvgo\(\s*['"]setAccount['"]/, /\btrackcmp\.net\//],
    },
    example: {
      inlineScripts:
        "(function(e,t,o,n,p,r,i){e.visitorGlobalObjectAlias=n;e[e.visitorGlobalObjectAlias]=e[e.visitorGlobalObjectAlias]||function(){(e[e.visitorGlobalObjectAlias].q=e[e.visitorGlobalObjectAlias].q||[]).push(arguments)};})(window,document,\"script\",\"https://diffuser-cdn.app-us1.com/diffuser/diffuser.js\",\"vgo\"); vgo('setAccount', '123456789'); vgo('process');",
    },
  },
  {
    slug: "klaviyo",
    name: "Klaviyo",
    category: "marketing_automation",
    website: "https://www.klaviyo.com",
    patterns: {
      scriptSrc: [/^https:\/\/static(?:-tracking)?\.klaviyo\.com\//],
      linkHref: [/^https:\/\/static(?:-tracking)?\.klaviyo\.com\//],
      cookies: [/^__kla_id$/],
      inlineScript: [/\b_learnq\b/, /static\.klaviyo\.com\/onsite\//],
    },
    example: { scriptSrcs: ["https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC123"] },
  },
  {
    slug: "brevo",
    name: "Brevo (Sendinblue)",
    category: "marketing_automation",
    website: "https://www.brevo.com",
    patterns: {
      scriptSrc: [/^https:\/\/(?:sibautomation\.com|cdn\.brevo\.com|sibforms\.com)\//],
      linkHref: [/^https:\/\/sibforms\.com\//],
      iframeSrc: [/^https:\/\/[a-z0-9-]+\.sibforms\.com\/serve\//],
      inlineScript: [/\bsibautomation\.com\/sa\.js/, /cdn\.brevo\.com\/js\/sdk-loader\.js/],
    },
    example: {
      iframeSrcs: ["https://0a1b2c3d.sibforms.com/serve/MUIFAbCdEfGhIjKlMnOpQrStUvWxYz"],
      linkHrefs: ["https://sibforms.com/forms/end-form/build/sib-styles.css"],
    },
  },
  {
    slug: "dotdigital",
    name: "Dotdigital",
    category: "marketing_automation",
    website: "https://dotdigital.com",
    patterns: {
      scriptSrc: [
        /^https:\/\/r\d+-t\.trackedlink\.net\/_dmpt\.js\b/,
        /^https:\/\/static\.trackedweb\.net\/js\/_dmptv4\.js\b/,
      ],
      inlineScript: [/\br\d+-t\.trackedlink\.net\/_dmpt\.js/],
    },
    example: { scriptSrcs: ["https://r1-t.trackedlink.net/_dmpt.js"] },
  },
];
