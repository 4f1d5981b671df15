import type { Fingerprint } from "../fingerprint";

/**
 * JavaScript frameworks and front-end libraries. Script patterns match a file name at the end of
 * a path segment (`/react.production.min.js`), never the bare word anywhere in the URL.
 */
export const FRAMEWORKS: Fingerprint[] = [
  {
    slug: "react",
    name: "React",
    category: "js_framework",
    website: "https://react.dev",
    patterns: {
      scriptSrc: [/\/react(?:-dom)?(?:\.(?:production|development|profiling))?(?:\.min)?\.js(?:[?#]|$)/],
      dom: { attributes: [/^data-react(?:root|id|-helmet)$/] },
    },
    example: { attributeNames: ["data-reactroot"] },
  },
  {
    slug: "nextjs",
    name: "Next.js",
    category: "js_framework",
    website: "https://nextjs.org",
    patterns: {
      scriptSrc: [/\/_next\/static\//],
      linkHref: [/\/_next\/static\//],
      headers: { "x-powered-by": /^Next\.js\b/i, "x-nextjs-cache": /./ },
      inlineScript: [/\bself\.__next_f\b/],
      dom: { ids: [/^__next$/, /^__NEXT_DATA__$/], attributes: [/^data-nscript$/] },
    },
    implies: ["react"],
    example: {
      scriptSrcs: ["https://www.example.co.uk/_next/static/chunks/main-0a1b2c3d4e5f6a7b.js"],
      elementIds: ["__next"],
    },
  },
  {
    slug: "vuejs",
    name: "Vue.js",
    category: "js_framework",
    website: "https://vuejs.org",
    patterns: {
      scriptSrc: [/\/vue(?:\.(?:global|runtime|esm-browser|common))?(?:\.prod)?(?:\.min)?\.js(?:[?#]|$)/],
      dom: { attributes: [/^data-v-[0-9a-f]{8}$/, /^data-v-app$/, /^data-server-rendered$/] },
    },
    example: { attributeNames: ["data-v-5f1b2c3d", "data-server-rendered"] },
  },
  {
    slug: "nuxt",
    name: "Nuxt",
    category: "js_framework",
    website: "https://nuxt.com",
    patterns: {
      scriptSrc: [/\/_nuxt\//],
      linkHref: [/\/_nuxt\//],
      headers: { "x-powered-by": /^Nuxt\b/i },
      inlineScript: [/\bwindow\.__NUXT__\s*=/],
      dom: { ids: [/^__nuxt$/, /^__NUXT_DATA__$/], attributes: [/^data-n-head(?:-ssr)?$/] },
    },
    implies: ["vuejs"],
    example: {
      scriptSrcs: ["https://www.example.co.uk/_nuxt/entry.0a1b2c3d.js"],
      elementIds: ["__nuxt"],
    },
  },
  {
    slug: "angular",
    name: "Angular",
    category: "js_framework",
    website: "https://angular.dev",
    patterns: {
      dom: { attributes: [{ pattern: /^ng-version$/, weight: 90 }, /^_ng(?:host|content)-/] },
    },
    example: { attributeNames: ["ng-version", "_nghost-ng-c1234567890", "_ngcontent-ng-c1234567890"] },
  },
  {
    slug: "angularjs",
    name: "AngularJS",
    category: "js_framework",
    website: "https://angularjs.org",
    patterns: {
      scriptSrc: [/\/angular(?:\.min)?\.js(?:[?#]|$)/],
      dom: { attributes: [/^(?:data-)?ng-(?:app|controller|model|repeat|cloak)$/] },
    },
    example: { attributeNames: ["ng-app", "ng-controller"] },
  },
  {
    slug: "svelte",
    name: "Svelte",
    category: "js_framework",
    website: "https://svelte.dev",
    patterns: { dom: { attributes: [/^data-svelte-h$/] } },
    example: { attributeNames: ["data-svelte-h"] },
  },
  {
    slug: "sveltekit",
    name: "SvelteKit",
    category: "js_framework",
    website: "https://svelte.dev/docs/kit",
    patterns: {
      scriptSrc: [/\/_app\/immutable\//],
      linkHref: [/\/_app\/immutable\//],
      inlineScript: [/\b__sveltekit_[a-z0-9]+\s*=/],
      dom: { attributes: [/^data-sveltekit-(?:preload-data|preload-code|reload|noscroll)$/] },
    },
    implies: ["svelte"],
    example: {
      linkHrefs: ["https://www.example.co.uk/_app/immutable/entry/start.BEhtW1Zs.js"],
      attributeNames: ["data-sveltekit-preload-data"],
    },
  },
  {
    slug: "gatsby",
    name: "Gatsby",
    category: "js_framework",
    website: "https://www.gatsbyjs.com",
    patterns: {
      meta: { generator: /^Gatsby\b/i },
      dom: { ids: [/^___gatsby$/, /^gatsby-focus-wrapper$/] },
    },
    implies: ["react"],
    example: { metas: { generator: "Gatsby 5.13.3" }, elementIds: ["___gatsby", "gatsby-focus-wrapper"] },
  },
  {
    slug: "jquery",
    name: "jQuery",
    category: "js_framework",
    website: "https://jquery.com",
    patterns: {
      scriptSrc: [/\/jquery(?:-\d+(?:\.\d+)*)?(?:\.min)?\.js(?:[?#]|$)/i, /^https:\/\/code\.jquery\.com\/jquery-\d/],
    },
    example: { scriptSrcs: ["https://code.jquery.com/jquery-3.7.1.min.js"] },
  },
  {
    slug: "alpinejs",
    name: "Alpine.js",
    category: "js_framework",
    website: "https://alpinejs.dev",
    patterns: {
      scriptSrc: [/\/alpinejs@[\d.x]+\/dist\//, /\/alpine(?:js)?(?:\.min)?\.js(?:[?#]|$)/],
      dom: { attributes: [/^x-data$/, /^x-(?:init|cloak|show)$/] },
    },
    example: { attributeNames: ["x-data", "x-show"] },
  },
  {
    slug: "bootstrap",
    name: "Bootstrap",
    category: "js_framework",
    website: "https://getbootstrap.com",
    patterns: {
      scriptSrc: [/\/bootstrap(?:\.bundle)?(?:\.min)?\.js(?:[?#]|$)/],
      linkHref: [/\/bootstrap(?:\.min)?\.css(?:[?#]|$)/],
    },
    example: { linkHrefs: ["https://www.example.co.uk/assets/css/bootstrap.min.css"] },
  },
  {
    slug: "htmx",
    name: "htmx",
    category: "js_framework",
    website: "https://htmx.org",
    patterns: {
      scriptSrc: [/\/htmx(?:\.min)?\.js(?:[?#]|$)/, /\/htmx\.org@[\d.]+\//],
      dom: { attributes: [/^(?:data-)?hx-(?:get|post|put|patch|delete|boost|target|swap|trigger)$/] },
    },
    example: { attributeNames: ["hx-get", "hx-target", "hx-swap"] },
  },
  {
    slug: "astro",
    name: "Astro",
    category: "js_framework",
    website: "https://astro.build",
    patterns: {
      scriptSrc: [/\/_astro\//],
      linkHref: [/\/_astro\//],
      meta: { generator: /^Astro v\d/i },
      dom: { attributes: [/^data-astro-cid-[a-z0-9]+$/] },
    },
    example: { metas: { generator: "Astro v4.5.9" }, attributeNames: ["data-astro-cid-abcd1234"] },
  },
];
