import type { Fingerprint } from "../fingerprint";

/** Online shop platforms. */
export const ECOMMERCE: Fingerprint[] = [
  {
    slug: "shopify",
    name: "Shopify",
    category: "ecommerce",
    website: "https://www.shopify.com",
    patterns: {
      scriptSrc: [/^https:\/\/cdn\.shopify\.com\/(?:s|shopifycloud|extensions)\//],
      linkHref: [/^https:\/\/cdn\.shopify\.com\//],
      meta: { "shopify-checkout-api-token": /./, "shopify-digital-wallet": /./ },
      headers: {
        "x-shopify-stage": /./,
        "x-shopid": /^\d+$/,
        "powered-by": /^Shopify\b/i,
      },
      cookies: [/^_shopify_(?:y|s|sa_p|sa_t)$/, /^_secure_session_id$/],
      inlineScript: [/\bShopify\.shop\s*=/, /\bwindow\.ShopifyAnalytics\b/],
    },
    example: {
      headers: { "x-shopify-stage": "production", "x-shopid": "12345678" },
      scriptSrcs: ["https://cdn.shopify.com/s/files/1/0123/4567/8901/t/2/assets/theme.js?v=1700000000"],
    },
  },
  {
    slug: "woocommerce",
    name: "WooCommerce",
    category: "ecommerce",
    website: "https://woocommerce.com",
    patterns: {
      scriptSrc: [/\/wp-content\/plugins\/woocommerce\//],
      linkHref: [/\/wp-content\/plugins\/woocommerce\//],
      meta: { generator: /^WooCommerce\b/i },
      cookies: [/^woocommerce_(?:items_in_cart|cart_hash)$/, /^wp_woocommerce_session_/],
      inlineScript: [/\bwc_add_to_cart_params\b/, /\bwoocommerce_params\b/],
    },
    implies: ["wordpress"],
    example: {
      scriptSrcs: [
        "https://shop.example.co.uk/wp-content/plugins/woocommerce/assets/js/frontend/add-to-cart.min.js?ver=8.7.0",
      ],
    },
  },
  {
    slug: "magento",
    name: "Adobe Commerce (Magento)",
    category: "ecommerce",
    website: "https://business.adobe.com/products/magento/magento-commerce.html",
    patterns: {
      // Theme assets: /static/version<deploy>/frontend/<Vendor>/<theme>/<locale>/
      scriptSrc: [/\/static\/(?:version\d+\/)?frontend\/[A-Za-z0-9_]+\/[A-Za-z0-9_-]+\/[a-z]{2}_[A-Z]{2}\//],
      linkHref: [/\/static\/(?:version\d+\/)?frontend\/[A-Za-z0-9_]+\/[A-Za-z0-9_-]+\/[a-z]{2}_[A-Z]{2}\//],
      headers: { "x-magento-cache-debug": /./, "x-magento-tags": /./ },
      cookies: [/^X-Magento-Vary$/, /^mage-(?:cache-sessid|cache-storage|messages)$/],
      inlineScript: [/\bMagento_(?:Ui|PageCache|Customer|Theme|Checkout)\/js\//],
    },
    example: {
      scriptSrcs: [
        "https://www.example.co.uk/static/version1700000000/frontend/Magento/luma/en_GB/requirejs/require.js",
      ],
      inlineScripts: '{"*":{"Magento_Ui/js/core/app":{"components":{}}}}',
    },
  },
  {
    slug: "bigcommerce",
    name: "BigCommerce",
    category: "ecommerce",
    website: "https://www.bigcommerce.co.uk",
    patterns: {
      scriptSrc: [/^https:\/\/cdn\d*\.bigcommerce\.com\//],
      linkHref: [/^https:\/\/cdn\d*\.bigcommerce\.com\//],
      cookies: [/^SHOP_SESSION_TOKEN$/, /^fornax_anonymousId$/],
      inlineScript: [/\bBCData\s*=/],
    },
    example: {
      scriptSrcs: ["https://cdn11.bigcommerce.com/s-abc123def4/stencil/1a2b3c4d/e/5f6a7b8c/dist/theme-bundle.main.js"],
    },
  },
  {
    slug: "prestashop",
    name: "PrestaShop",
    category: "ecommerce",
    website: "https://prestashop.com",
    patterns: {
      scriptSrc: [/\/modules\/ps_[a-z0-9_]+\//],
      linkHref: [/\/modules\/ps_[a-z0-9_]+\//],
      meta: { generator: /^PrestaShop\b/i },
      headers: { "powered-by": /^PrestaShop\b/i },
      cookies: [/^PrestaShop-[0-9a-f]{32}$/],
      inlineScript: [/\bvar prestashop\s*=/],
    },
    example: {
      scriptSrcs: ["https://shop.example.co.uk/modules/ps_shoppingcart/ps_shoppingcart.js?v=2.0.6"],
      inlineScripts: 'var prestashop = {"cart":{"products":[]},"currency":{"iso_code":"GBP"}};',
    },
  },
  {
    slug: "ecwid",
    name: "Ecwid",
    category: "ecommerce",
    website: "https://www.ecwid.com",
    patterns: {
      scriptSrc: [/^https:\/\/app\.ecwid\.com\/script\.js\b/],
      inlineScript: [/\bxProductBrowser\(/, /\becwid_script_defer\b/],
    },
    example: { scriptSrcs: ["https://app.ecwid.com/script.js?12345678&data_platform=code&data_date=2024-03-01"] },
  },
  {
    slug: "opencart",
    name: "OpenCart",
    category: "ecommerce",
    website: "https://www.opencart.com",
    patterns: {
      scriptSrc: [/\/catalog\/view\/(?:javascript|theme)\//],
      linkHref: [/\/catalog\/view\/(?:javascript|theme)\//],
      cookies: [/^OCSESSID$/],
    },
    example: {
      scriptSrcs: ["https://shop.example.co.uk/catalog/view/javascript/common.js"],
      cookies: ["OCSESSID"],
    },
  },
];
