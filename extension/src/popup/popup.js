// The popup stays thin: it reads the tab's state and the site's settings from
// the service worker and sends back what the user changes.

import { ext } from '../shared/ext.js';
import { MSG } from '../shared/messages.js';
import { FlagList } from './flag-list.js';
import { fromSlider, sensitivityView } from './sensitivity.js';

const $ = (id) => document.getElementById(id);

const STATUS_TEXT = {
  pending: 'Analyzing…',
  ready: 'Ready',
  disabled: 'Off',
  error: 'Service error',
};

let tabId = null;
let current = null; // last TAB_STATE_GET value
// The service's minimum claim score on the page's host (for the slider):
// undefined until it answers, null if it did not say; and the page's status
// when it was asked.
const service = { host: '', minScore: undefined, status: '' };
// Bumped by every refresh and every change the user makes: an answer to an
// older refresh is dropped, so it cannot undo a click that came after it.
let seq = 0;
let writing = 0;
let flagList = null;

async function findTabId() {
  // ?tab=<id> lets the popup be opened in a tab (tests, debugging) for a given page.
  const param = new URLSearchParams(location.search).get('tab');
  if (param && /^\d+$/.test(param)) return Number(param);
  const tab = await ext.activeTab();
  return tab?.id ?? null;
}

function showError(text) {
  $('error').textContent = text ?? '';
  $('error').hidden = !text;
}

function render(value) {
  current = value;
  const tab = value?.tab;
  const site = value?.site;
  if (!tab || !site) {
    $('site-section').hidden = true;
    $('no-page').hidden = false;
    $('status').textContent = '—';
    return;
  }
  $('site-section').hidden = false;
  $('no-page').hidden = true;
  const { doc } = site;
  $('host').textContent = site.host;
  let source = doc.enabled ? 'On for this site' : 'Off for this site';
  if (site.source === 'site' && site.rule !== site.host) source += ` (rule for ${site.rule})`;
  if (site.source === 'sensitive') source = `Off by default: ${site.rule} is on the sensitive list`;
  if (site.source === 'default') source += ' (defaults)';
  $('site-source').textContent = source;
  $('site-enabled').checked = doc.enabled;
  $('site-section').dataset.off = String(!doc.enabled);

  let status = tab.status;
  let statusText = STATUS_TEXT[status] ?? status;
  if (status === 'disabled' && tab.reason === 'click-to-analyze') statusText = 'Waiting for a click';
  if (status === 'disabled' && tab.reason === 'off:server') statusText = 'Off (server)';
  if (status === 'error' && tab.error === 'unreachable') statusText = 'Service not running';
  if (status === 'error' && tab.error === 'rate_limited') statusText = 'Rate limited';
  $('status').dataset.status = status;
  $('status').textContent = statusText;

  $('count-claim').textContent = String(tab.counts?.claim ?? 0);
  $('count-disclosure').textContent = String(tab.counts?.disclosure ?? 0);
  const notes = Array.isArray(tab.notes) ? tab.notes : [];
  $('count-notes').textContent = String(notes.length);
  const list = $('notes');
  list.replaceChildren(...notes.map((n) => {
    const li = document.createElement('li');
    li.textContent = n;
    return li;
  }));

  for (const kind of ['claim', 'disclosure']) {
    const box = $(`kind-${kind}`);
    box.checked = doc.kinds.includes(kind);
    box.disabled = !doc.enabled;
  }
  $('all-claims').checked = doc.all_claims;
  $('all-claims').disabled = !doc.enabled || !doc.kinds.includes('claim');
  askService(site.host, status);
  const sensitivity = sensitivityView(doc.min_score, service.minScore);
  const slider = $('sensitivity');
  if (sensitivity.known && document.activeElement !== slider) slider.value = sensitivity.value;
  // Unknown: no position at all (the slider is hidden, its place kept), rather than one made up.
  slider.toggleAttribute('data-unknown', !sensitivity.known);
  slider.disabled = !doc.enabled || !sensitivity.known;
  $('sensitivity-out').textContent = sensitivity.text;

  const waiting = doc.enabled && (tab.reason === 'click-to-analyze' || status === 'error');
  $('analyze').hidden = !waiting;
  $('analyze').textContent = status === 'error' ? 'Try again' : 'Analyze this page';
  $('toggle-view').textContent = tab.visible === false ? 'Show highlights' : 'Hide highlights';
  $('toggle-view').disabled = !doc.enabled || status === 'disabled';
  if (status === 'error' && tab.error === 'unreachable') {
    showError(`Start the service (claimflag serve) or check its address in Settings: ${value.serviceUrl}`);
  } else {
    showError('');
  }
}

/**
 * Ask the service worker for the service's minimum claim score on `host`:
 * once per host, and once more if it did not say and the page has since been
 * analyzed (the service was started meanwhile).
 */
function askService(host, status) {
  const again = service.minScore === null && status === 'ready' && service.status !== 'ready';
  if (service.host === host && !again) return;
  Object.assign(service, { host, minScore: undefined, status });
  ext.send({ what: MSG.SERVICE_MIN_SCORE_GET, host }).then((reply) => {
    if (service.host !== host) return;
    service.minScore = reply.ok ? reply.value : null;
    if (current) render(current);
  });
}

/** The page's flags, as the content script lists them now. */
async function refreshFlags(tab) {
  const shown = tab && tab.status !== 'disabled';
  const reply = shown ? await ext.send({ what: MSG.TAB_FLAGS_GET, tabId }) : null;
  const entries = reply?.ok && Array.isArray(reply.value) ? reply.value : [];
  $('flags').hidden = !shown;
  $('flags-count').textContent = entries.length ? `(${entries.length})` : '';
  $('flags-empty').hidden = entries.length > 0 || tab?.status !== 'ready';
  flagList.render(entries);
}

async function refresh() {
  if (tabId === null) {
    render(null);
    return;
  }
  const mine = ++seq;
  const reply = await ext.send({ what: MSG.TAB_STATE_GET, tabId });
  if (mine !== seq || writing) return;
  render(reply.ok ? reply.value : null);
  await refreshFlags(reply.ok ? reply.value?.tab : null);
}

async function setSite(patch) {
  if (!current?.site) return;
  seq += 1;
  writing += 1;
  let reply;
  try {
    reply = await ext.send({ what: MSG.SITE_SET, host: current.site.host, patch });
  } finally {
    writing -= 1;
  }
  if (!reply.ok) showError(reply.error?.message);
  await refresh();
}

function wire() {
  flagList = new FlagList($('flag-list'), async (index) => {
    const reply = await ext.send({ what: MSG.TAB_FLAG_SHOW, tabId, index });
    if (!reply.ok) showError(reply.error?.message);
  });
  $('site-enabled').addEventListener('change', (e) => setSite({ enabled: e.target.checked }));
  $('all-claims').addEventListener('change', (e) => setSite({ all_claims: e.target.checked }));
  for (const kind of ['claim', 'disclosure']) {
    $(`kind-${kind}`).addEventListener('change', () => {
      const kinds = ['claim', 'disclosure'].filter((k) => $(`kind-${k}`).checked);
      setSite({ kinds });
    });
  }
  let t = 0;
  $('sensitivity').addEventListener('input', (e) => {
    const minScore = fromSlider(e.target.value);
    $('sensitivity-out').textContent = sensitivityView(minScore).text;
    clearTimeout(t);
    t = setTimeout(() => setSite({ min_score: minScore }), 200);
  });
  $('analyze').addEventListener('click', async () => {
    const reply = await ext.send({ what: MSG.TAB_ANALYZE, tabId });
    if (!reply.ok) showError(reply.error?.message);
  });
  $('toggle-view').addEventListener('click', async () => {
    const reply = await ext.send({ what: MSG.COMMAND, command: 'toggle-highlights', tabId });
    if (!reply.ok) showError(reply.error?.message);
  });
  ext.onStorageChanged((changes, area) => {
    if ((area === 'session' && changes[`tab:${tabId}`]) || (area === 'local' && changes.settings)) refresh();
  });
}

(async () => {
  wire();
  tabId = await findTabId();
  await refresh();
})();
