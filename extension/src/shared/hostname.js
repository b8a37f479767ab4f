// Per-site rules as pure functions over hostnames. No browser APIs here:
// `node --test` imports this module directly.

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Lower-cased, IDNA-encoded (punycode) hostname without a trailing dot,
 * or "" if `input` is not a usable hostname. Accepts a bare host or a URL.
 * @param {string} input
 * @returns {string}
 */
export function normalizeHost(input) {
  if (typeof input !== 'string') return '';
  let s = input.trim();
  if (!s) return '';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `http://${s}`;
  let host;
  try {
    host = new URL(s).hostname; // lower-cases and IDNA-encodes
  } catch {
    return '';
  }
  host = host.replace(/\.+$/, '');
  if (host.startsWith('[')) return host; // IPv6 literal, kept as the URL parser writes it
  if (!host || host.includes(' ')) return '';
  return host;
}

/** True for IP literals, which have no broader hostnames. */
export function isIpHost(host) {
  return IPV4.test(host) || host.startsWith('[');
}

/**
 * The host itself, then each broader hostname, most specific first:
 * "a.news.example.com" → ["a.news.example.com", "news.example.com", "example.com"].
 * Stops at two labels (no public-suffix list: "co.uk" style suffixes are
 * simply never stored as rules because normalizeHost never produces them
 * from a user's own site entry).
 * @param {string} host a normalized hostname
 * @returns {string[]}
 */
export function broaderHostnames(host) {
  if (!host) return [];
  if (isIpHost(host) || !host.includes('.')) return [host];
  const labels = host.split('.');
  const out = [];
  for (let i = 0; i <= labels.length - 2; i += 1) out.push(labels.slice(i).join('.'));
  return out;
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
  for (const h of broaderHostnames(host)) if (has(h)) return h;
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
