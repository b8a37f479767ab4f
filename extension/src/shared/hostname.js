// Per-site rules as pure functions over hostnames. No browser APIs here:
// `node --test` imports this module directly. They are the service's rules
// (server/claimflag/domains.py): both are tested against the same cases,
// tests/data/host_rules.json.

// One label of an ASCII host name: letters, digits, hyphens inside, and the
// underscores browsers accept; at most 63 characters.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const MAX_HOST_CHARS = 253;
const BARE_IPV6 = /^[0-9a-f]*:[0-9a-f:.]*:[0-9a-f:.]*$/i;

/**
 * Lower-cased, IDNA-encoded (punycode) hostname without a trailing dot
 * (an IPv6 address without its brackets), or "" if `input` is not a usable
 * hostname. Accepts a bare host or a URL.
 * @param {string} input
 * @returns {string}
 */
export function normalizeHost(input) {
  if (typeof input !== 'string') return '';
  let s = input.trim();
  if (!s) return '';
  if (BARE_IPV6.test(s)) s = `[${s}]`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `http://${s}`;
  let host;
  try {
    host = new URL(s).hostname; // lower-cases and IDNA-encodes (UTS #46, non-transitional), IPv4/6 canonical
  } catch {
    return '';
  }
  if (host.startsWith('[')) return host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1); // the DNS root, once
  if (!host || host.length > MAX_HOST_CHARS || !host.split('.').every((label) => LABEL.test(label))) return '';
  return host;
}

/** True for IP addresses, which have no parent domains. */
export function isIpHost(host) {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/**
 * The host and every parent domain, most specific first (the service's
 * `lookup_chain`): "a.news.example.com" → ["a.news.example.com",
 * "news.example.com", "example.com", "com"]. An IP address stands alone.
 * There is no public-suffix list: a rule on "co.uk" covers every host under
 * it, as the person who wrote it asked.
 * @param {string} host a normalized hostname
 * @returns {string[]}
 */
export function lookupChain(host) {
  if (!host) return [];
  if (isIpHost(host)) return [host];
  const labels = host.split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}

/**
 * The most specific entry of `list` (an array of hostnames, or an object
 * keyed by hostname) that covers `host`, or "" if none does.
 * "example.com" covers "news.example.com"; "news.example.com" does not cover "example.com".
 */
export function matchHost(host, list) {
  const has = Array.isArray(list)
    ? (h) => list.includes(h)
    : (h) => Object.prototype.hasOwnProperty.call(list ?? {}, h);
  for (const h of lookupChain(host)) if (has(h)) return h;
  return '';
}

/** Parse a user-edited list (one host or URL per line / comma) into normalized, unique hosts. */
export function parseHostList(text) {
  const out = [];
  for (const part of String(text ?? '').split(/[\s,]+/)) {
    const h = normalizeHost(part.replace(/^\*\./, ''));
    if (h && !out.includes(h)) out.push(h);
  }
  return out;
}
