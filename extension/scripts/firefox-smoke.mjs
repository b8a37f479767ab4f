// Firefox smoke test: installs the extension as a temporary add-on in headless
// Firefox (WebDriver BiDi via puppeteer-core, no geckodriver), opens a page and
// prints what the content script reported as JSON.
//
// WebDriver BiDi may not open moz-extension:// pages, so the options page cannot
// be used to point the add-on at the test service. Instead the add-on is
// installed from a temporary copy of manifest.json, icons/ and src/ in which
// only DEFAULT_SERVICE_URL is replaced by --service; everything else is the
// files as they are.
//
//   node scripts/firefox-smoke.mjs --service http://127.0.0.1:8000 --page http://127.0.0.1:8080/article.html
//
// Used by tests/e2e/test_firefox.py. Not a unit test (node --test runs only test/).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, '..');

const { values: args } = parseArgs({
  options: {
    service: { type: 'string' },
    page: { type: 'string' },
    firefox: { type: 'string', default: process.env.CLAIMFLAG_FIREFOX ?? '/usr/bin/firefox-esr' },
    screenshot: { type: 'string' },
    timeout: { type: 'string', default: '60000' },
  },
});
const timeout = Number(args.timeout);

const extDir = mkdtempSync(join(tmpdir(), 'claimflag-firefox-'));
for (const part of ['manifest.json', 'icons', 'src']) cpSync(join(srcDir, part), join(extDir, part), { recursive: true });
const settingsFile = join(extDir, 'src/shared/site-settings.js');
const original = readFileSync(settingsFile, 'utf8');
const patched = original.replace(/export const DEFAULT_SERVICE_URL = '[^']*';/,
  `export const DEFAULT_SERVICE_URL = ${JSON.stringify(args.service)};`);
if (patched === original) throw new Error('DEFAULT_SERVICE_URL not found in site-settings.js');
writeFileSync(settingsFile, patched);

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: args.firefox,
  headless: true,
  extraPrefsFirefox: { 'datareporting.policy.dataSubmissionEnabled': false },
});
const errors = [];
let result;
try {
  await browser.installExtension(extDir);
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(`page: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  await page.goto(args.page);
  await page.waitForFunction(() => ['ready', 'error', 'disabled'].includes(document.documentElement.dataset.claimflag),
    { timeout });
  result = await page.evaluate(() => {
    const d = document.documentElement.dataset;
    const get = (name) => [...(CSS.highlights?.get(name) ?? [])].map((r) => r.toString());
    return {
      status: d.claimflag,
      claims: Number(d.claimflagClaims),
      disclosures: Number(d.claimflagDisclosures),
      error: d.claimflagError ?? null,
      highlights: { claim: get('claimflag-claim'), disclosure: get('claimflag-disclosure') },
    };
  });
  if (args.screenshot) await page.screenshot({ path: args.screenshot });
  result.userAgent = await browser.userAgent();
  result.errors = errors;
} finally {
  await browser.close();
  rmSync(extDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
