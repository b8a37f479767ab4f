// Options: service URL and token, the "analyze only when I click" mode,
// defaults for new sites, the site list and the sensitive (default-off) list.

import { ext } from '../shared/ext.js';
import { MSG } from '../shared/messages.js';
import { parseHostList } from '../shared/hostname.js';
import { DEFAULT_SENSITIVE, KINDS, normalizeServiceUrl, TYPES } from '../shared/site-settings.js';

const $ = (id) => document.getElementById(id);
let settings = null;
// Bumped by every change and every re-read: an older re-read never undoes a newer change.
let seq = 0;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function saved(text) {
  $('saved').textContent = text;
  clearTimeout(saved.t);
  saved.t = setTimeout(() => {
    $('saved').textContent = '';
  }, 3000);
}

async function call(msg) {
  seq += 1;
  const reply = await ext.send(msg);
  if (!reply.ok) {
    saved(`Not saved: ${reply.error?.message ?? 'error'}`);
    return null;
  }
  if (reply.value && typeof reply.value === 'object' && 'sites' in reply.value) {
    settings = reply.value;
    render();
  }
  return reply.value;
}

function typeChecks(doc, onChange) {
  const box = el('div', { className: 'types' });
  for (const kind of KINDS) {
    for (const type of TYPES[kind]) {
      const input = el('input', { type: 'checkbox', checked: doc.muted_types.includes(type), dataset: { type } });
      input.addEventListener('change', () => {
        const muted = [...box.querySelectorAll('input:checked')].map((i) => i.dataset.type);
        onChange({ muted_types: muted });
      });
      box.append(el('label', {}, input, `${type.replace(/_/g, ' ')}`));
    }
  }
  return box;
}

function renderDefaults() {
  const d = settings.defaults;
  const set = (patch) => call({ what: MSG.SETTINGS_SET, patch: { defaults: { ...settings.defaults, ...patch } } }).then(() => saved('Defaults saved'));
  const enabled = el('input', { type: 'checkbox', checked: d.enabled, id: 'default-enabled' });
  enabled.addEventListener('change', () => set({ enabled: enabled.checked }));
  const kindBoxes = KINDS.map((k) => {
    const i = el('input', { type: 'checkbox', checked: d.kinds.includes(k), id: `default-kind-${k}` });
    i.addEventListener('change', () => set({ kinds: KINDS.filter((x) => $(`default-kind-${x}`).checked) }));
    return el('label', { className: 'check' }, i, k === 'claim' ? 'Check-worthy claims' : 'Sponsorship & disclosures');
  });
  const score = el('input', { type: 'number', min: '0', max: '1', step: '0.05', value: d.min_score ?? '', placeholder: 'service default', id: 'default-min-score' });
  score.addEventListener('change', () => set({ min_score: score.value === '' ? null : Number(score.value) }));
  $('defaults').replaceChildren(
    el('label', { className: 'check' }, enabled, 'Analyze new sites (switch off to opt in site by site)'),
    ...kindBoxes,
    el('label', { htmlFor: 'default-min-score' }, 'Minimum claim score (empty = the service’s default; 0 = every claim, 1 = only the surest)'),
    score,
    el('details', {}, el('summary', {}, 'Muted types'), typeChecks(d, (p) => set(p))),
  );
}

function renderSites() {
  const body = $('sites').querySelector('tbody');
  const hosts = Object.keys(settings.sites).sort();
  $('no-sites').hidden = hosts.length > 0;
  $('sites').hidden = hosts.length === 0;
  body.replaceChildren(...hosts.map((host) => {
    const doc = settings.sites[host];
    const set = (patch) => call({ what: MSG.SITE_SET, host, patch, exact: true }).then(() => saved(`Saved ${host}`));
    const on = el('input', { type: 'checkbox', checked: doc.enabled, ariaLabel: `On for ${host}` });
    on.addEventListener('change', () => set({ enabled: on.checked }));
    const kindCells = KINDS.map((k) => {
      const i = el('input', { type: 'checkbox', checked: doc.kinds.includes(k), ariaLabel: `${k} on ${host}`, dataset: { kind: k } });
      i.addEventListener('change', () => {
        const row = i.closest('tr');
        set({ kinds: KINDS.filter((x) => row.querySelector(`input[data-kind="${x}"]`).checked) });
      });
      return el('td', {}, i);
    });
    const score = el('input', { type: 'number', min: '0', max: '1', step: '0.05', value: doc.min_score ?? '', placeholder: 'default', ariaLabel: `Minimum claim score on ${host}` });
    score.addEventListener('change', () => set({ min_score: score.value === '' ? null : Number(score.value) }));
    const remove = el('button', { type: 'button' }, 'Remove');
    remove.addEventListener('click', () => call({ what: MSG.SITE_REMOVE, host }).then(() => saved(`Removed ${host}`)));
    const muted = el('details', {}, el('summary', {}, doc.muted_types.length ? `${doc.muted_types.length} muted` : 'none'), typeChecks(doc, set));
    return el('tr', { dataset: { host } }, el('td', {}, host), el('td', {}, on), ...kindCells, el('td', {}, score), el('td', {}, muted), el('td', {}, remove));
  }));
}

function render() {
  if (document.activeElement !== $('service-url')) $('service-url').value = settings.serviceUrl;
  if (document.activeElement !== $('token')) $('token').value = settings.token;
  $('click-to-analyze').checked = settings.clickToAnalyze;
  if (document.activeElement !== $('sensitive')) $('sensitive').value = settings.sensitive.join('\n');
  renderDefaults();
  renderSites();
}

function wire() {
  $('service-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const url = normalizeServiceUrl($('service-url').value);
    if (!url) {
      saved('The service URL must be an http or https address');
      return;
    }
    const origin = new URL(url).origin;
    const local = ['127.0.0.1', 'localhost'].includes(new URL(url).hostname) && new URL(url).protocol === 'http:';
    // Host access for another address is asked for here, inside the click.
    if (!local && !(await ext.requestOrigin(origin))) {
      saved(`ClaimFlag needs permission to reach ${origin}`);
      return;
    }
    const patch = { serviceUrl: url };
    const token = $('token').value.trim();
    if (url === settings.serviceUrl || token !== settings.token) patch.token = token;
    if (await call({ what: MSG.SETTINGS_SET, patch })) saved('Service saved');
  });
  $('token-show').addEventListener('click', () => {
    const t = $('token');
    t.type = t.type === 'password' ? 'text' : 'password';
    $('token-show').textContent = t.type === 'password' ? 'Show' : 'Hide';
  });
  $('token-renew').addEventListener('click', async () => {
    const reply = await ext.send({ what: MSG.TOKEN_RENEW });
    if (reply.ok) {
      settings = (await ext.send({ what: MSG.SETTINGS_GET })).value ?? settings;
      render();
      saved('New token saved');
    } else {
      saved(reply.error?.message ?? 'No token');
    }
  });
  $('click-to-analyze').addEventListener('change', (e) => {
    call({ what: MSG.SETTINGS_SET, patch: { clickToAnalyze: e.target.checked } }).then(() => saved('Saved'));
  });
  $('add-site').addEventListener('submit', async (e) => {
    e.preventDefault();
    const [host] = parseHostList($('add-host').value);
    if (!host) {
      saved('Enter a host name such as example.com');
      return;
    }
    if (await call({ what: MSG.SITE_SET, host, patch: {}, exact: true })) {
      $('add-host').value = '';
      saved(`Added ${host}`);
    }
  });
  $('sensitive-save').addEventListener('click', () => {
    call({ what: MSG.SETTINGS_SET, patch: { sensitive: parseHostList($('sensitive').value) } }).then(() => saved('List saved'));
  });
  $('sensitive-reset').addEventListener('click', () => {
    call({ what: MSG.SETTINGS_SET, patch: { sensitive: [...DEFAULT_SENSITIVE] } }).then(() => saved('Built-in list restored'));
  });
  ext.onStorageChanged((changes, area) => {
    if (area === 'local' && changes.settings) {
      const mine = ++seq;
      ext.send({ what: MSG.SETTINGS_GET }).then((r) => {
        if (r.ok && mine === seq) {
          settings = r.value;
          render();
        }
      });
    }
  });
}

(async () => {
  wire();
  const reply = await ext.send({ what: MSG.SETTINGS_GET });
  settings = reply.ok ? reply.value : null;
  if (settings) render();
  else saved('Could not read the settings');
})();
