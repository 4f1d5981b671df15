import type { Fingerprint } from "../fingerprint";

/** Content management systems and hosted site builders. */
export const CMS: Fingerprint[] = [
  {
    slug: "wordpress",
    name: "WordPress",
    category: "cms",
    website: "https://wordpress.org",
    patterns: {
      // Themes and plugins are served from the site's own host, so the path is what counts.
      scriptSrc: [/\/wp-(?:content|includes)\//],
      linkHref: [/\/wp-(?:content|includes)\//, /\/wp-json\/(?:$|[?#]|wp\/v2\/|oembed\/)/],
      meta: { generator: /^WordPress\b/i },
      headers: {
        link: /rel="https:\/\/api\.w\.org\/"/,
        "x-pingback": /\/xmlrpc\.php$/,
      },
      cookies: [/^wordpress_(?:logged_in_|sec_|test_cookie$)/, /^wp-settings-(?:time-)?\d+$/],
      inlineScript: [/\b_wpemojiSettings\b/, /\/wp-includes\/js\/wp-emoji-release\.min\.js/],
    },
    example: {
      metas: { generator: "WordPress 6.5.2" },
      linkHrefs: ["https://www.example.co.uk/wp-content/themes/astra/style.min.css?ver=4.6.4"],
    },
  },
  {
    slug: "drupal",
    name: "Drupal",
    category: "cms",
    website: "https://www.drupal.org",
    patterns: {
      scriptSrc: [/\/core\/misc\/drupal\.js\b/, /\/sites\/(?:all|default)\/(?:files|modules|themes)\//],
      linkHref: [/\/sites\/(?:all|default)\/(?:files|modules|themes)\//],
      meta: { generator: /^Drupal\b/i },
      headers: {
        "x-generator": /^Drupal\b/i,
        "x-drupal-cache": /./,
        "x-drupal-dynamic-cache": /./,
      },
      cookies: [{ pattern: /^S?SESS[0-9a-f]{32}$/, weight: 40 }],
      inlineScript: [/\bDrupal\.settings\b/, /\bdrupalSettings\b/],
      dom: { attributes: [/^data-drupal-(?:selector|link-system-path|messages)$/] },
    },
    example: {
      metas: { generator: "Drupal 10 (https://www.drupal.org)" },
      headers: { "x-generator": "Drupal 10 (https://www.drupal.org)" },
    },
  },
  {
    slug: "joomla",
    name: "Joomla",
    category: "cms",
    website: "https://www.joomla.org",
    patterns: {
      scriptSrc: [/\/media\/(?:jui|system)\/js\//],
      linkHref: [/\/media\/(?:jui|system)\/css\//],
      meta: { generator: /^Joomla!/i },
      inlineScript: [/\bJoomla\.(?:JText|optionsStorage|submitbutton)\b/],
    },
    example: { metas: { generator: "Joomla! - Open Source Content Management" } },
  },
  {
    slug: "wix",
    name: "Wix",
    category: "cms",
    website: "https://www.wix.com",
    patterns: {
      scriptSrc: [/^https:\/\/static\.(?:parastorage|wixstatic)\.com\//],
      linkHref: [/^https:\/\/static\.(?:parastorage|wixstatic)\.com\//],
      meta: { generator: /^Wix\.com Website Builder/i },
      headers: { "x-wix-request-id": /./ },
    },
    example: {
      metas: { generator: "Wix.com Website Builder" },
      headers: { "x-wix-request-id": "1700000000.12345678901234567890" },
    },
  },
  {
    slug: "squarespace",
    name: "Squarespace",
    category: "cms",
    website: "https://www.squarespace.com",
    patterns: {
      scriptSrc: [/^https:\/\/(?:assets|static1?)\.squarespace\.com\//],
      linkHref: [/^https:\/\/(?:assets|static1?|images)\.squarespace(?:-cdn)?\.com\//],
      headers: { server: /^Squarespace$/i },
      inlineScript: [/\bSQUARESPACE_CONTEXT\b/],
    },
    example: {
      headers: { server: "Squarespace" },
      scriptSrcs: ["https://assets.squarespace.com/universal/scripts-compressed/common-0f8a1b2c3d4e5f6a-min.en-US.js"],
    },
  },
  {
    slug: "webflow",
    name: "Webflow",
    category: "cms",
    website: "https://webflow.com",
    patterns: {
      scriptSrc: [/^https:\/\/(?:assets|assets-global|cdn\.prod)\.website-files\.com\//],
      linkHref: [/^https:\/\/(?:assets|assets-global|cdn\.prod)\.website-files\.com\//],
      meta: { generator: /^Webflow\b/i },
      dom: { attributes: [/^data-wf-(?:site|page|domain)$/] },
    },
    example: { metas: { generator: "Webflow" }, attributeNames: ["data-wf-site", "data-wf-page"] },
  },
  {
    slug: "hubspot-cms",
    name: "HubSpot CMS",
    category: "cms",
    website: "https://www.hubspot.com/products/cms",
    patterns: {
      scriptSrc: [/\/hs\/hsstatic\//, /^https:\/\/static\.hsappstatic\.net\//],
      linkHref: [/\/hs\/hsstatic\//, /\/hs-fs\/hubfs\//, /^https:\/\/static\.hsappstatic\.net\//],
      meta: { generator: /^HubSpot$/i },
      headers: { "x-hs-hub-id": /^\d+$/, "x-hs-content-id": /^\d+$/ },
      inlineScript: [{ pattern: /\bhsVars\s*=/, weight: 60 }],
    },
    example: {
      metas: { generator: "HubSpot" },
      scriptSrcs: ["https://www.example.co.uk/hs/hsstatic/content-cwv-embed/static-1.1293/embed.js"],
    },
  },
  {
    slug: "umbraco",
    name: "Umbraco",
    category: "cms",
    website: "https://umbraco.com",
    patterns: {
      scriptSrc: [/\/App_Plugins\//i, /\/umbraco\/(?:api|surface|backoffice)\//i],
      linkHref: [/\/App_Plugins\//i],
      meta: { generator: /^Umbraco\b/i },
    },
    example: {
      linkHrefs: ["https://www.example.co.uk/App_Plugins/UmbracoForms/Assets/themes/default/style.min.css"],
    },
  },
  {
    slug: "sitecore",
    name: "Sitecore",
    category: "cms",
    website: "https://www.sitecore.com",
    patterns: {
      scriptSrc: [/\/-\/(?:media|jssmedia)\//i],
      linkHref: [/\/-\/(?:media|jssmedia)\//i],
      cookies: [/^SC_ANALYTICS_GLOBAL_COOKIE$/, /^sxa_site$/, /^website#lang$/],
    },
    example: {
      cookies: ["SC_ANALYTICS_GLOBAL_COOKIE"],
      linkHrefs: ["https://www.example.co.uk/-/media/project/example/favicon.ico?rev=0f1e2d3c"],
    },
  },
  {
    slug: "ghost",
    name: "Ghost",
    category: "cms",
    website: "https://ghost.org",
    patterns: {
      meta: { generator: /^Ghost\b/i },
      headers: { "x-ghost-cache-status": /./ },
      cookies: [/^ghost-members-ssr(?:\.sig)?$/],
      dom: { attributes: [/^data-ghost$/] },
    },
    example: { metas: { generator: "Ghost 5.82" } },
  },
  {
    slug: "craft-cms",
    name: "Craft CMS",
    category: "cms",
    website: "https://craftcms.com",
    patterns: {
      headers: { "x-powered-by": /\bCraft CMS\b/i },
      cookies: [/^CraftSessionId$/, /^CRAFT_CSRF_TOKEN$/],
      meta: { generator: /^Craft CMS\b/i },
    },
    example: { headers: { "x-powered-by": "Craft CMS" }, cookies: ["CraftSessionId"] },
  },
];
