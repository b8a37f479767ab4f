// The extension's host rules against the cases the service is tested on too
// (tests/data/host_rules.json; tests/test_host_rules.py reads the same file),
// so the two owners of these rules cannot drift apart. One subtest per case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { lookupChain, normalizeHost } from '../src/shared/hostname.js';
import { normalizeSettings, resolveSite } from '../src/shared/site-settings.js';

const CASES = JSON.parse(readFileSync(new URL('../../tests/data/host_rules.json', import.meta.url), 'utf8'));

test('host names are normalized as the service does', async (t) => {
  for (const { input, host } of CASES.hosts) {
    await t.test(JSON.stringify(input).slice(0, 60), () => assert.equal(normalizeHost(input), host ?? ''));
  }
});

test('the host of a page URL, as the service reads it', async (t) => {
  // The content script has location.hostname, the service worker the URL: both go through normalizeHost.
  for (const { url, host } of CASES.urls) {
    await t.test(url, () => assert.equal(normalizeHost(new URL(url).hostname), host ?? ''));
  }
});

test('the chain from a host to its parents is the service\'s', async (t) => {
  for (const { host, chain } of CASES.chains) await t.test(host, () => assert.deepEqual(lookupChain(host), chain));
});

test('the most specific rule applies, as on the service', async (t) => {
  for (const { host, rules, applies } of CASES.sites) {
    await t.test(`${host} with rules on ${rules.join(', ')}`, () => {
      const settings = normalizeSettings({ sites: Object.fromEntries(rules.map((r) => [r, { enabled: false }])) });
      const site = resolveSite(settings, host);
      if (applies === null) assert.equal(site.source, 'default');
      else assert.deepEqual([site.source, site.rule, site.doc.enabled], ['site', normalizeHost(applies), false]);
    });
  }
});
