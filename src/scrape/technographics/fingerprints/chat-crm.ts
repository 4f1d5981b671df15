import type { Fingerprint } from "../fingerprint";

/**
 * Live chat widgets and CRMs. A CRM rarely shows on a page (web-to-lead forms post elsewhere), so
 * these are the parts that do: embedded forms, chat and tracking scripts served by the CRM itself.
 */
export const CHAT_AND_CRM: Fingerprint[] = [
  {
    slug: "intercom",
    name: "Intercom",
    category: "chat",
    website: "https://www.intercom.com",
    patterns: {
      scriptSrc: [/^https:\/\/widget\.intercom\.io\/widget\//, /^https:\/\/js\.intercomcdn\.com\//],
      cookies: [/^intercom-(?:id|session|device-id)-[a-z0-9]+$/],
      inlineScript: [/\bwindow\.intercomSettings\s*=/, /widget\.intercom\.io\/widget\//],
    },
    example: { scriptSrcs: ["https://widget.intercom.io/widget/abc12345"] },
  },
  {
    slug: "drift",
    name: "Drift",
    category: "chat",
    website: "https://www.salesloft.com/platform/drift",
    patterns: {
      scriptSrc: [/^https:\/\/js\.driftt\.com\/include\//],
      cookies: [/^driftt?_aid$/],
      inlineScript: [/\bdrift\.load\(\s*['"][a-z0-9]+['"]/, /js\.driftt\.com\/include\//],
    },
    example: { scriptSrcs: ["https://js.driftt.com/include/1700000000000/abcdefgh1234.js"] },
  },
  {
    slug: "zendesk-chat",
    name: "Zendesk Messaging",
    category: "chat",
    website: "https://www.zendesk.co.uk/service/messaging/",
    patterns: {
      scriptSrc: [/^https:\/\/static\.zdassets\.com\/ekr\/snippet\.js\b/, /^https:\/\/v2\.zopim\.com\//],
      inlineScript: [/static\.zdassets\.com\/ekr\/snippet\.js/, /\$zopim\b/],
      dom: { ids: [/^ze-snippet$/] },
    },
    example: {
      scriptSrcs: ["https://static.zdassets.com/ekr/snippet.js?key=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"],
      elementIds: ["ze-snippet"],
    },
  },
  {
    slug: "livechat",
    name: "LiveChat",
    category: "chat",
    website: "https://www.livechat.com",
    patterns: {
      scriptSrc: [/^https:\/\/cdn\.livechatinc\.com\//],
      inlineScript: [/\b__lc\.license\s*=\s*\d+/, /cdn\.livechatinc\.com\/tracking\.js/],
    },
    example: {
      inlineScripts:
        "window.__lc = window.__lc || {}; window.__lc.license = 12345678; window.__lc.integration_name = 'manual_channels';",
    },
  },
  {
    slug: "tawk-to",
    name: "Tawk.to",
    category: "chat",
    website: "https://www.tawk.to",
    patterns: {
      scriptSrc: [/^https:\/\/embed\.tawk\.to\//],
      inlineScript: [/embed\.tawk\.to\//, /\bTawk_API\b/],
    },
    example: { scriptSrcs: ["https://embed.tawk.to/5f1a2b3c4d5e6f7a8b9c0d1e/1abcdefgh"] },
  },
  {
    slug: "crisp",
    name: "Crisp",
    category: "chat",
    website: "https://crisp.chat",
    patterns: {
      scriptSrc: [/^https:\/\/client\.crisp\.chat\//],
      inlineScript: [/\bCRISP_WEBSITE_ID\s*=/, /client\.crisp\.chat\/l\.js/],
    },
    example: {
      inlineScripts:
        'window.$crisp=[];window.CRISP_WEBSITE_ID="0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";(function(){d=document;s=d.createElement("script");s.src="https://client.crisp.chat/l.js";s.async=1;d.getElementsByTagName("head")[0].appendChild(s);})();',
    },
  },
  {
    slug: "tidio",
    name: "Tidio",
    category: "chat",
    website: "https://www.tidio.com",
    patterns: {
      scriptSrc: [/^https:\/\/code\.tidio\.co\//],
      inlineScript: [/code\.tidio\.co\//],
    },
    example: { scriptSrcs: ["https://code.tidio.co/abcdefghijklmnopqrstuvwxyz012345.js"] },
  },
  {
    slug: "olark",
    name: "Olark",
    category: "chat",
    website: "https://www.olark.com",
    patterns: {
      scriptSrc: [/^https:\/\/static\.olark\.com\/jsclient\//],
      inlineScript: [/\bolark\.identify\(\s*['"][\d-]+['"]/, /static\.olark\.com\/jsclient\//],
    },
    example: { inlineScripts: "olark.identify('1234-567-89-0123');" },
  },
  {
    slug: "freshchat",
    name: "Freshchat",
    category: "chat",
    website: "https://www.freshworks.com/live-chat-software/",
    patterns: {
      scriptSrc: [/^https:\/\/(?:wchat|[a-z0-9-]+\.webpush)\.freshchat\.com\//],
      inlineScript: [/\bfcWidget\.init\(/, /wchat\.freshchat\.com\/js\/widget\.js/],
    },
    example: { scriptSrcs: ["https://wchat.freshchat.com/js/widget.js"] },
  },
  {
    slug: "zoho-salesiq",
    name: "Zoho SalesIQ",
    category: "chat",
    website: "https://www.zoho.com/salesiq/",
    patterns: {
      scriptSrc: [/^https:\/\/salesiq\.zoho(?:public)?\.(?:com|eu|in|uk|ca|jp|com\.au|com\.cn)\/widget\b/],
      inlineScript: [/\$zoho\.salesiq\b/],
    },
    example: {
      scriptSrcs: ["https://salesiq.zohopublic.eu/widget?wc=siq0123456789abcdef0123456789abcdef"],
      inlineScripts: "window.$zoho=window.$zoho || {};$zoho.salesiq=$zoho.salesiq||{ready:function(){}}",
    },
  },
  {
    slug: "salesforce",
    name: "Salesforce",
    category: "crm",
    website: "https://www.salesforce.com/uk/",
    patterns: {
      // Embedded Service chat, Experience Cloud sites and Salesforce Sites.
      scriptSrc: [
        /^https:\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:force\.com|my\.site\.com|my\.salesforce-sites\.com)\//,
        /\/s\/sfsites\//,
      ],
      inlineScript: [/\bembedded_svc\.init\(/, /\bembeddedservice_bootstrap\.init\(/],
    },
    example: { scriptSrcs: ["https://service.force.com/embeddedservice/5.0/esw.min.js"] },
  },
  {
    slug: "zoho-crm",
    name: "Zoho CRM",
    category: "crm",
    website: "https://www.zoho.com/crm/",
    patterns: {
      scriptSrc: [/^https:\/\/crm\.zoho(?:public)?\.(?:com|eu|in|uk|ca|jp|com\.au|com\.cn)\/crm\//],
      iframeSrc: [/^https:\/\/crm\.zoho(?:public)?\.(?:com|eu|in|uk|ca|jp|com\.au|com\.cn)\/crm\//],
    },
    example: { scriptSrcs: ["https://crm.zoho.eu/crm/javascript/zcga.js"] },
  },
  {
    slug: "pipedrive",
    name: "Pipedrive",
    category: "crm",
    website: "https://www.pipedrive.com",
    patterns: {
      scriptSrc: [/^https:\/\/(?:leadbooster-chat|webforms)\.pipedrive\.com\//],
      iframeSrc: [/^https:\/\/webforms\.pipedrive\.com\/f\//],
      inlineScript: [/\bpipedriveLeadboosterConfig\b/],
    },
    example: {
      scriptSrcs: ["https://leadbooster-chat.pipedrive.com/assets/loader.js"],
      inlineScripts:
        "window.pipedriveLeadboosterConfig = {base: 'leadbooster-chat.pipedrive.com',companyId: 1234567,playbookUuid: 'abc',version: 2};",
    },
  },
  {
    slug: "microsoft-dynamics-365",
    name: "Microsoft Dynamics 365",
    category: "crm",
    website: "https://www.microsoft.com/en-gb/dynamics-365",
    patterns: {
      // Marketing (Customer Insights - Journeys) form loaders and their form containers.
      scriptSrc: [
        /^https:\/\/mktdplp\d+cdn\.azureedge\.net\//,
        /^https:\/\/[a-z0-9-]+\.azureedge\.net\/[a-z]+\/FormLoader\/FormLoader\.bundle\.js\b/i,
        /^https:\/\/[a-z0-9-]+\.mkt\.dynamics\.com\//,
      ],
      dom: { attributes: [/^data-form-api-url$/, /^data-cached-form-url$/] },
    },
    example: {
      scriptSrcs: ["https://mktdplp102cdn.azureedge.net/public/latest/js/form-loader.js?v=1.84.2007"],
      attributeNames: ["data-form-id", "data-form-api-url", "data-cached-form-url"],
    },
  },
];
