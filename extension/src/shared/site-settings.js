// Settings logic as pure functions. The stored shape (chrome.storage.local, key "settings"):
//
// {
//   serviceUrl: "http://127.0.0.1:8000",
//   token: "",                       // install token from POST /v1/installs ("" = none)
//   clickToAnalyze: false,           // true: never send a page until the user asks
//   defaults: SiteDoc,               // for sites without their own entry
//   sites: { [hostname]: SiteDoc },  // per-site entries; "example.com" covers its subdomains
//   sensitive: [hostname, ...],      // default-off list (mail, banking, health portals)
// }
//
// SiteDoc is the server's settings document (DESIGN.md):
//   { enabled: bool, kinds: ["claim","disclosure"], min_score: 0..1 | null, muted_types: [type, ...],
//     all_claims: bool }
//
// Claims come with a priority: "high" (check first) or "normal" (another
// factual claim); a claim without one (a service from before priorities) is
// "high". `all_claims` shows the normal ones too (more faintly); it is a
// display setting only: the service answers with both priorities whatever it says.
//
// As on the server, min_score applies to claims only (disclosures come from
// cue rules, not a score), and null means "the service's default" (its claim
// model's threshold), which the service applies before answering.

import { matchHost, normalizeHost } from './hostname.js';

export const KINDS = Object.freeze(['claim', 'disclosure']);

export const TYPES = Object.freeze({
  claim: ['statistic', 'quote', 'attribution', 'unnamed_source', 'causal', 'comparison', 'prediction', 'event'],
  disclosure: ['sponsored', 'affiliate', 'political_ad', 'opinion_disclaimer', 'advice_disclaimer',
    'syndication', 'press_release', 'ai_generated'],
});

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:8000';

/** Sites where pages are private by nature: off unless the user turns them on. */
export const DEFAULT_SENSITIVE = Object.freeze([
  // mail and messaging
  'mail.google.com', 'outlook.live.com', 'outlook.office.com', 'outlook.office365.com',
  'mail.yahoo.com', 'mail.proton.me', 'app.tuta.com', 'icloud.com', 'web.whatsapp.com',
  'messenger.com', 'web.telegram.org', 'app.slack.com', 'teams.microsoft.com',
  // banking and payments
  'paypal.com', 'chase.com', 'bankofamerica.com', 'wellsfargo.com', 'citi.com',
  'capitalone.com', 'hsbc.com', 'barclays.co.uk', 'lloydsbank.co.uk', 'santander.co.uk',
  'revolut.com', 'wise.com', 'n26.com', 'ing.com', 'deutsche-bank.de',
  // health portals
  'mychart.com', 'patient.info', 'healthvault.com', 'my.nhs.uk', 'nhsapp.service.gov.uk',
  'myhealth.va.gov', 'healow.com', 'followmyhealth.com',
]);

export const PRIORITIES = Object.freeze(['high', 'normal']);

export function defaultSiteDoc() {
  return { enabled: true, kinds: [...KINDS], min_score: null, muted_types: [], all_claims: false };
}

/** A claim span's priority ("high" when the service gave none); '' for a disclosure. */
export function priorityOf(span) {
  if (span.kind !== 'claim') return '';
  return span.priority === 'normal' ? 'normal' : 'high';
}

export function defaultSettings() {
  return {
    serviceUrl: DEFAULT_SERVICE_URL,
    token: '',
    clickToAnalyze: false,
    defaults: defaultSiteDoc(),
    sites: {},
    sensitive: [...DEFAULT_SENSITIVE],
  };
}

const ALL_TYPES = new Set([...TYPES.claim, ...TYPES.disclosure]);

function clampScore(v, fallback) {
  if (v === null) return null;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(1, Math.max(0, Math.round(n * 100) / 100));
}

/** A valid SiteDoc from anything, filling gaps from `base`. */
export function normalizeSiteDoc(raw, base = defaultSiteDoc()) {
  const r = raw && typeof raw === 'object' ? raw : {};
  return {
    enabled: typeof r.enabled === 'boolean' ? r.enabled : base.enabled,
    kinds: Array.isArray(r.kinds) ? KINDS.filter((k) => r.kinds.includes(k)) : [...base.kinds],
    min_score: clampScore(r.min_score, base.min_score),
    muted_types: Array.isArray(r.muted_types)
      ? [...new Set(r.muted_types.filter((t) => ALL_TYPES.has(t)))]
      : [...base.muted_types],
    all_claims: typeof r.all_claims === 'boolean' ? r.all_claims : base.all_claims,
  };
}

/** Valid settings from whatever storage held (missing, old or hand-edited). */
export function normalizeSettings(raw) {
  const d = defaultSettings();
  const r = raw && typeof raw === 'object' ? raw : {};
  const sites = {};
  if (r.sites && typeof r.sites === 'object') {
    for (const [host, doc] of Object.entries(r.sites)) {
      const h = normalizeHost(host);
      if (h) sites[h] = normalizeSiteDoc(doc);
    }
  }
  return {
    serviceUrl: normalizeServiceUrl(r.serviceUrl) || d.serviceUrl,
    token: typeof r.token === 'string' ? r.token.trim() : '',
    // (`clickToAnalyse`: the key's spelling before 0.1.0's last change; a reader who chose
    // click-only must not have pages sent because a key was renamed.)
    clickToAnalyze: [r.clickToAnalyze, r.clickToAnalyse].find((v) => typeof v === 'boolean') ?? d.clickToAnalyze,
    defaults: normalizeSiteDoc(r.defaults, d.defaults),
    sites,
    sensitive: Array.isArray(r.sensitive)
      ? [...new Set(r.sensitive.map(normalizeHost).filter(Boolean))]
      : d.sensitive,
  };
}

/** "http(s)://host[:port][/path]" without a trailing slash, or "" if not an http(s) URL. */
export function normalizeServiceUrl(input) {
  if (typeof input !== 'string' || !input.trim()) return '';
  let u;
  try {
    u = new URL(input.trim());
  } catch {
    return '';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return '';
  if (u.username || u.password || u.search || u.hash) return '';
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

/**
 * What applies to `host`:
 *   { host, rule, source: "site" | "sensitive" | "default", doc: SiteDoc }
 * A site entry (the most specific one covering the host) wins; otherwise a
 * host on the sensitive list gets the defaults switched off; otherwise the defaults.
 */
export function resolveSite(settings, host) {
  const h = normalizeHost(host);
  const rule = h ? matchHost(h, settings.sites) : '';
  if (rule) return { host: h, rule, source: 'site', doc: normalizeSiteDoc(settings.sites[rule], settings.defaults) };
  const sensitive = h ? matchHost(h, settings.sensitive) : '';
  if (sensitive) {
    return { host: h, rule: sensitive, source: 'sensitive', doc: { ...normalizeSiteDoc(settings.defaults), enabled: false } };
  }
  return { host: h, rule: '', source: 'default', doc: normalizeSiteDoc(settings.defaults) };
}

/**
 * New settings with `patch` applied to the entry that governs `host`: the
 * existing site entry covering it if there is one, else a new entry for the
 * exact host (starting from what applied before, so switching one kind off
 * on a sensitive site does not switch the site on). `exact` always writes
 * the entry for `host` itself.
 */
export function patchSite(settings, host, patch, { exact = false } = {}) {
  const current = resolveSite(settings, host);
  if (!current.host) return settings;
  const key = current.source === 'site' && !exact ? current.rule : current.host;
  const doc = normalizeSiteDoc({ ...current.doc, ...patch }, current.doc);
  return { ...settings, sites: { ...settings.sites, [key]: doc } };
}

/** New settings without the entry for `host` (exact key). */
export function removeSite(settings, host) {
  const h = normalizeHost(host);
  if (!h || !(h in settings.sites)) return settings;
  const sites = { ...settings.sites };
  delete sites[h];
  return { ...settings, sites };
}

/**
 * The spans a reader wants to see under `doc`: kind on, type not muted, a
 * claim's score high enough, and a normal-priority claim only with all_claims.
 */
export function filterSpans(spans, doc) {
  if (!doc.enabled) return [];
  return spans.filter((s) => doc.kinds.includes(s.kind)
    && !doc.muted_types.includes(s.type)
    && (s.kind !== 'claim' || doc.min_score === null || typeof s.score !== 'number' || s.score >= doc.min_score)
    && (doc.all_claims || priorityOf(s) !== 'normal'));
}

/** A SiteDoc as the server's settings API takes it: a null min_score is left out (inherited). */
export function toServerDoc(doc) {
  const out = {
    enabled: doc.enabled, kinds: [...doc.kinds], muted_types: [...doc.muted_types], all_claims: doc.all_claims,
  };
  if (doc.min_score !== null) out.min_score = doc.min_score;
  return out;
}
