import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchHost, normalizeHost, parseHostList } from '../src/shared/hostname.js';
import {
  defaultSettings, filterSpans, normalizeServiceUrl, normalizeSettings, normalizeSiteDoc, patchSite, priorityOf, removeSite,
  resolveSite, toServerDoc,
} from '../src/shared/site-settings.js';
import {
  LIMITS, mergeSplitBlocks, splitBatches, toRequestBlock, validAnalyzeResponse,
} from '../src/background/api-client.js';

// The host rules shared with the service are in host-rules.test.js; these are the extension's own.

test('what a person types may be a URL, with a port or a "*." prefix: it reduces to its host', () => {
  assert.equal(normalizeHost('https://Bücher.example/path?q=1'), 'xn--bcher-kva.example');
  assert.equal(normalizeHost('127.0.0.1:8000'), '127.0.0.1');
  assert.equal(normalizeHost('not a host'), '');
  assert.deepEqual(parseHostList('a.com\n*.B.com, https://c.org/x a.com [::1]'), ['a.com', 'b.com', 'c.org', '::1']);
});

test('a list of hosts (the sensitive list) covers subdomains as site rules do', () => {
  assert.equal(matchHost('news.example.com', ['example.com']), 'example.com');
  assert.equal(matchHost('example.com', ['news.example.com']), '');
  assert.equal(matchHost('badexample.com', ['example.com']), '');
  assert.equal(matchHost('mail.example.co.uk', ['co.uk', 'example.co.uk']), 'example.co.uk');
});

test('a site rule covers its subdomains unless they have their own', () => {
  let s = defaultSettings();
  s = patchSite(s, 'example.com', { enabled: false });
  assert.equal(resolveSite(s, 'news.example.com').doc.enabled, false);
  assert.equal(resolveSite(s, 'news.example.com').rule, 'example.com');
  s = patchSite(s, 'news.example.com', { enabled: true }, { exact: true });
  assert.equal(resolveSite(s, 'news.example.com').doc.enabled, true);
  assert.equal(resolveSite(s, 'www.example.com').doc.enabled, false);
  assert.equal(resolveSite(s, 'other.org').source, 'default');
});

test('patching a host edits the rule that governs it', () => {
  let s = patchSite(defaultSettings(), 'example.com', { kinds: ['claim'] });
  s = patchSite(s, 'news.example.com', { min_score: 0.8 });
  assert.deepEqual(Object.keys(s.sites), ['example.com']);
  assert.equal(s.sites['example.com'].min_score, 0.8);
  assert.deepEqual(s.sites['example.com'].kinds, ['claim']);
});

test('sensitive sites are off by default, and a site rule can turn them on', () => {
  let s = defaultSettings();
  const mail = resolveSite(s, 'mail.google.com');
  assert.equal(mail.source, 'sensitive');
  assert.equal(mail.doc.enabled, false);
  assert.equal(resolveSite(s, 'www.paypal.com').doc.enabled, false);
  // Toggling a kind on a sensitive site keeps it off.
  s = patchSite(s, 'mail.google.com', { kinds: ['disclosure'] });
  assert.equal(resolveSite(s, 'mail.google.com').doc.enabled, false);
  s = patchSite(s, 'mail.google.com', { enabled: true });
  assert.equal(resolveSite(s, 'mail.google.com').doc.enabled, true);
  assert.equal(resolveSite(s, 'mail.google.com').source, 'site');
});

test('defaults for new sites apply to sites without a rule', () => {
  const s = normalizeSettings({ defaults: { enabled: false, kinds: ['disclosure'], min_score: 0.7 } });
  const r = resolveSite(s, 'blog.example');
  assert.deepEqual(r.doc, { enabled: false, kinds: ['disclosure'], min_score: 0.7, muted_types: [], all_claims: false });
});

test('normalizeSettings repairs whatever storage held', () => {
  assert.deepEqual(normalizeSettings(undefined), defaultSettings());
  const s = normalizeSettings({
    serviceUrl: 'javascript:alert(1)',
    sites: {
      'EXAMPLE.com': { enabled: 'yes', kinds: ['claim', 'bogus'], min_score: 7, muted_types: ['prediction', 'nope'], all_claims: 'on' },
      '': {},
    },
    sensitive: ['Mail.Example.com', 42],
  });
  assert.equal(s.serviceUrl, 'http://127.0.0.1:8000');
  assert.deepEqual(s.sites, {
    'example.com': { enabled: true, kinds: ['claim'], min_score: 1, muted_types: ['prediction'], all_claims: false },
  });
  assert.deepEqual(s.sensitive, ['mail.example.com']);
  assert.equal(normalizeServiceUrl('http://127.0.0.1:8000/'), 'http://127.0.0.1:8000');
  assert.equal(normalizeServiceUrl('https://cf.example.org/api/'), 'https://cf.example.org/api');
  assert.equal(normalizeServiceUrl('ftp://x'), '');
});

test('click-to-analyze mode survives the key\'s old spelling (clickToAnalyse)', () => {
  assert.equal(normalizeSettings({ clickToAnalyse: true }).clickToAnalyze, true);
  assert.equal(normalizeSettings({ clickToAnalyze: false, clickToAnalyse: true }).clickToAnalyze, false);
  assert.equal(normalizeSettings({}).clickToAnalyze, false);
  assert.equal('clickToAnalyse' in normalizeSettings({ clickToAnalyse: true }), false);
});

test('removeSite drops only that entry', () => {
  let s = patchSite(defaultSettings(), 'a.com', { enabled: false });
  s = patchSite(s, 'b.com', { enabled: false });
  s = removeSite(s, 'A.com');
  assert.deepEqual(Object.keys(s.sites), ['b.com']);
});

test('spans are filtered client-side by kind, muted type and (claims only, as on the server) min_score', () => {
  const spans = [
    { kind: 'claim', type: 'statistic', score: 0.9 },
    { kind: 'claim', type: 'prediction', score: 0.9 },
    { kind: 'claim', type: 'event', score: 0.3 },
    { kind: 'disclosure', type: 'affiliate', score: 0.2 },
  ];
  const doc = { enabled: true, kinds: ['claim', 'disclosure'], min_score: 0.5, muted_types: ['prediction'] };
  assert.deepEqual(filterSpans(spans, doc).map((s) => s.type), ['statistic', 'affiliate']);
  assert.deepEqual(filterSpans(spans, { ...doc, kinds: ['disclosure'] }).map((s) => s.type), ['affiliate']);
  assert.deepEqual(filterSpans(spans, { ...doc, min_score: 0 }).map((s) => s.type), ['statistic', 'event', 'affiliate']);
  // null: the service's default, which the service has already applied.
  assert.deepEqual(filterSpans(spans, { ...doc, min_score: null }).map((s) => s.type), ['statistic', 'event', 'affiliate']);
  assert.deepEqual(filterSpans(spans, { ...doc, enabled: false }), []);
});

test('normal-priority claims are shown only with all_claims; a claim without a priority is check-first', () => {
  const spans = [
    { kind: 'claim', type: 'statistic', score: 0.9, priority: 'high' },
    { kind: 'claim', type: 'event', score: 0.9, priority: 'normal' },
    { kind: 'claim', type: 'quote', score: 0.9 },
    { kind: 'disclosure', type: 'affiliate', score: 0.9 },
  ];
  const doc = normalizeSiteDoc({});
  assert.equal(doc.all_claims, false);
  assert.deepEqual(filterSpans(spans, doc).map((s) => s.type), ['statistic', 'quote', 'affiliate']);
  assert.deepEqual(filterSpans(spans, { ...doc, all_claims: true }).map((s) => s.type), ['statistic', 'event', 'quote', 'affiliate']);
  assert.deepEqual(spans.map(priorityOf), ['high', 'normal', 'high', '']);
  // A site's rule keeps all_claims (its subdomains too); a site without one has the defaults'.
  const s = normalizeSettings({ defaults: { all_claims: true }, sites: { 'a.com': { all_claims: false } } });
  assert.equal(resolveSite(s, 'x.a.com').doc.all_claims, false);
  assert.equal(resolveSite(s, 'c.com').doc.all_claims, true);
  assert.equal(patchSite(s, 'a.com', { all_claims: true }).sites['a.com'].all_claims, true);
});

test('min_score defaults to the service default (null), which the server API gets by leaving it out', () => {
  assert.equal(defaultSettings().defaults.min_score, null);
  assert.equal(normalizeSettings({ defaults: { min_score: null } }).defaults.min_score, null);
  assert.equal(normalizeSettings({ sites: { 'a.com': { min_score: 0.25 } } }).sites['a.com'].min_score, 0.25);
  const doc = { enabled: true, kinds: ['claim'], min_score: null, muted_types: [], all_claims: false };
  assert.deepEqual(toServerDoc(doc), { enabled: true, kinds: ['claim'], muted_types: [], all_claims: false });
  assert.deepEqual(toServerDoc({ ...doc, min_score: 0.6 }).min_score, 0.6);
});

test('a block goes with its link ranges only: at most LIMITS.links, each inside the text; a cut block keeps its own', () => {
  const text = 'See the report and the data.';
  assert.deepEqual(toRequestBlock({ id: 'b0', text, links: [[8, 14], [23, 27]], element: {} }),
    { id: 'b0', text, links: [[8, 14], [23, 27]] });
  assert.deepEqual(toRequestBlock({ id: 'b1', text }), { id: 'b1', text });
  // Ranges the service would refuse (empty, reversed, past the end, not integers) are left out.
  assert.deepEqual(toRequestBlock({ id: 'b2', text, links: [[3, 3], [5, 2], [20, 99], [1.5, 4], [0, 3]] }).links, [[0, 3]]);
  const many = Array.from({ length: 250 }, (_, i) => [i, i + 1]);
  assert.equal(toRequestBlock({ id: 'b3', text: 'x'.repeat(300), links: many }).links.length, LIMITS.links);
  // An oversized block is cut into pieces; each piece keeps the links inside it, shifted to its own offsets.
  const long = `${'a '.repeat(150000)}end`;
  const pieces = splitBatches([{ id: 'L', text: long, links: [[0, 1], [299990, 299995], [300000, 300003]] }]).flat();
  assert.ok(pieces.length > 1);
  const back = pieces.flatMap((p) => (p.links ?? []).map(([s, e]) => [s + p.offset, e + p.offset]));
  assert.deepEqual(back, [[0, 1], [299990, 299995], [300000, 300003]].filter(([s, e]) => pieces.some((p) => s >= p.offset && e <= p.offset + p.text.length)));
  for (const p of pieces) for (const [, e] of p.links ?? []) assert.ok(e <= p.text.length);
});

test('big pages are split into requests within the service limits, in order', () => {
  const blocks = Array.from({ length: 12001 }, (_, i) => ({ id: `b${i}`, text: 'x'.repeat(10) }));
  const batches = splitBatches(blocks);
  assert.deepEqual(batches.map((b) => b.length), [5000, 5000, 2001]);
  assert.deepEqual(batches.flat().map((b) => b.id), blocks.map((b) => b.id));

  const big = Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, text: 'y'.repeat(60000) }));
  for (const batch of splitBatches(big)) {
    assert.ok(batch.reduce((n, b) => n + b.text.length, 0) <= LIMITS.chars);
    assert.ok(Buffer.byteLength(JSON.stringify({ url: 'u', blocks: batch })) < LIMITS.bytes);
  }
  // Multi-byte text is bounded by bytes, not just characters.
  const wide = Array.from({ length: 40 }, (_, i) => ({ id: `w${i}`, text: '東'.repeat(20000) }));
  for (const batch of splitBatches(wide)) {
    assert.ok(Buffer.byteLength(JSON.stringify({ blocks: batch })) < LIMITS.bytes);
  }
});

test('one oversized block is cut, and its spans map back to the original offsets', () => {
  const sentence = 'The council said 1,240 homes lost power. ';
  const text = `👍🏽 ${sentence.repeat(6000)}`;
  const [b] = [{ id: 'b0', text }];
  const batches = splitBatches([b]);
  const pieces = batches.flat();
  assert.ok(pieces.length > 1);
  assert.equal(pieces.map((p) => p.text).join(''), text);
  for (const p of pieces) assert.ok(p.text.length <= LIMITS.chars);
  const second = pieces[1];
  const merged = mergeSplitBlocks(pieces, [{ id: second.id, spans: [{ start: 0, end: sentence.length, kind: 'claim' }] }]);
  assert.equal(merged[0].id, 'b0');
  const { start, end } = merged[0].spans[0];
  assert.equal(text.slice(start, end), second.text.slice(0, sentence.length));
});

test('analyze answers are checked before use', () => {
  assert.ok(validAnalyzeResponse({ offsets: 'utf16', blocks: [{ id: 'b0', spans: [] }] }));
  assert.ok(validAnalyzeResponse({ disabled: true }));
  assert.ok(!validAnalyzeResponse({ offsets: 'codepoints', blocks: [] }));
  assert.ok(!validAnalyzeResponse({ blocks: 'nope' }));
  assert.ok(!validAnalyzeResponse(null));
});
