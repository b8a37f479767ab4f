// Test helper: a jsdom window for a fixture page (not a test file itself).
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

export function domFrom(html) {
  return new JSDOM(html).window;
}

export function fixture(name) {
  const html = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    // The fixture spells combining marks as \u0301 so they stay visible in an editor.
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return domFrom(html);
}
