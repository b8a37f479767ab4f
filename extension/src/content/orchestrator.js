// The orchestrator: wires the parts that run find → (service worker) →
// anchor → draw for one page, and follows the site's settings.
//
// While the site's settings let the page be analyzed, one set of parts is up:
// the scheduler (when passes run), the request (the message to the service
// worker, its retries), the records (anchored flags, what is shown), the
// highlighter (drawing), pointer and keys (tooltip, next / previous) and the
// DOM watcher (changes to the page). Switching the site off, or a change that
// needs everything asked again, destroys them all (every listener, observer
// and timer they added) and, if the page is still to be analyzed, sets up new
// ones. Passes of destroyed parts drop their work at the next check.
//
// A pass over the whole page finds its article (article.js): the article's
// blocks are sent with the site's kinds, the chrome blocks near it for
// disclosures only, the rest of the chrome not at all. The article's blocks
// in and near the viewport go first, in a request of their own, so the first
// screen is flagged before the rest of a long page is analyzed.
//
// Collecting, anchoring and drawing run in time slices (slicer.js) that
// yield to the event loop, so a long page never blocks the main thread for long.

import { ext } from '../shared/ext.js';
import { fail, MSG, ok } from '../shared/messages.js';
import { normalizeSettings, resolveSite } from '../shared/site-settings.js';
import { anchorAnswer } from './anchoring/anchor.js';
import { ArticleFinder, ROLE } from './article.js';
import { blockLinks, collectBlocksSliced, recollectBlock } from './collect-blocks.js';
import { DomWatcher } from './dom-watcher.js';
import { createHighlighter } from './highlighter.js';
import { ListenerCollection } from './listeners.js';
import { PageState } from './page-state.js';
import { PointerKeys } from './pointer.js';
import { Records } from './records.js';
import { AnalyzeRequest } from './request.js';
import { PassScheduler } from './scheduler.js';
import { DEFAULT_SLICE_MS, Slicer } from './slicer.js';

// Blocks within this many viewport heights above or below the viewport go in the first request.
export const NEAR_FIRST_VIEWPORTS = 1;

export class Orchestrator {
  constructor(win = globalThis.window) {
    this.win = win;
    this.doc = win.document;
    this.listeners = new ListenerCollection();
    this.state = new PageState(this.doc, () => this.snapshot());
    this.parts = null; // {scheduler, request, records, highlighter, pointer, watcher} while active
    this.site = null; // {host, source, rule, doc}
    this.clickToAnalyze = false;
    this.manual = false; // the reader asked to analyze this page (click mode)
    this.serverDisabled = false;
    this.status = 'pending';
    this.reason = '';
    this.error = '';
    this.visible = true;
    // Milliseconds of work between two yields to the event loop. Storage key
    // `perf: {timeSliceMs: 0}` turns slicing off (for the benchmark's baseline).
    this.sliceMs = DEFAULT_SLICE_MS;
    this.firstMs = null; // when the page's first flag was drawn (ms since navigation began)
  }

  async start() {
    this.state.changed();
    this.listeners.own(ext.onMessage((msg) => this.onMessage(msg)));
    this.listeners.own(ext.onStorageChanged((changes, area) => {
      if (area === 'local' && changes.settings) this.applySettings(changes.settings.newValue);
    }));
    const [raw, perf] = await Promise.all([
      ext.storageGet('local', 'settings', null),
      ext.storageGet('local', 'perf', null),
    ]);
    if (Number.isFinite(perf?.timeSliceMs) && perf.timeSliceMs >= 0) this.sliceMs = perf.timeSliceMs;
    this.applySettings(raw);
  }

  destroy() {
    this.listeners.removeAll();
    this.stopParts();
    this.state.destroy();
  }

  // ---- settings and the parts' life ------------------------------------------

  get active() {
    return Boolean(this.site?.doc.enabled) && (!this.clickToAnalyze || this.manual) && !this.serverDisabled;
  }

  applySettings(raw) {
    const settings = normalizeSettings(raw);
    this.serverDisabled = false; // ask again: the server may have been told about the change
    this.site = resolveSite(settings, this.win.location.hostname);
    this.clickToAnalyze = settings.clickToAnalyze;
    if (!this.active) {
      this.off(this.site.doc.enabled ? 'click-to-analyze' : `off:${this.site.source}`);
      return;
    }
    this.reason = '';
    const { parts } = this;
    // Kinds not asked for yet need the page asked again; anything else (an
    // install token saved, another site's rule, all claims, the sensitivity)
    // only changes what is drawn of the answers already here or on their way.
    const needKinds = this.site.doc.kinds.some((k) => !parts?.records.kinds.includes(k));
    const wasOff = !parts || this.status === 'disabled' || (this.status === 'error' && !parts.records.list.length);
    if (wasOff || needKinds) this.restart();
    else this.redraw();
  }

  /** New parts (the old ones destroyed) and a pass over the whole page now. */
  restart() {
    this.stopParts();
    const win = this.win;
    const highlighter = createHighlighter(win);
    highlighter.setVisible(this.visible);
    const request = new AnalyzeRequest(win, { onRetry: (elements) => scheduler.schedule(elements) });
    const scheduler = new PassScheduler({
      pass: (roots) => this.pass(parts, roots),
      whole: () => this.doc.body,
      canRun: () => !request.waiting,
    });
    const parts = {
      scheduler,
      request,
      finder: new ArticleFinder(),
      records: new Records(),
      highlighter,
      pointer: new PointerKeys(win, highlighter, { onDismiss: (item) => this.dismiss(item) }),
      watcher: new DomWatcher(win, {
        onChange: (roots) => scheduler.schedule(roots),
        onRemoved: () => this.prune(parts),
      }),
    };
    this.parts = parts;
    scheduler.schedule(null, { now: true });
  }

  stopParts() {
    const { parts } = this;
    if (!parts) return;
    this.parts = null;
    for (const part of Object.values(parts)) part.destroy();
  }

  /** Nothing analyzed, nothing drawn, nothing listening to the page, for `reason`. */
  off(reason) {
    this.stopParts();
    this.reason = reason;
    this.setStatus('disabled');
  }

  // ---- passes -------------------------------------------------------------------

  slicer() {
    return new Slicer({ budgetMs: this.sliceMs });
  }

  /**
   * One pass over `roots`: the blocks not sent yet are sent (the article's
   * with the site's kinds, chrome near it for disclosures), their answers
   * anchored and drawn. A pass over the whole page finds the article again;
   * a pass over parts that changed judges their blocks against it.
   */
  async pass(parts, roots) {
    const { records, watcher, finder } = parts;
    const navigated = watcher.navigated();
    if (navigated) records.clearNotes();
    // Another page of a single-page app: its article is found afresh.
    const whole = navigated || (roots.length === 1 && roots[0] === this.doc.body);
    const slicer = this.slicer();
    let blocks = [];
    for (const root of whole ? [this.doc.body] : roots) if (root) blocks.push(...await collectBlocksSliced(root, slicer));
    // Settings changed while collecting: these parts are gone.
    if (parts !== this.parts) return;
    if (whole) await finder.classifyPage(blocks, slicer);
    else finder.classifyMore(blocks);
    if (parts !== this.parts) return;
    blocks = records.unsent(blocks.filter((b) => b.role !== ROLE.CHROME));
    if (!blocks.length) {
      this.prune(parts);
      if (this.status !== 'ready') this.setStatus('ready');
      return;
    }
    await this.analyze(parts, blocks, slicer);
  }

  async analyze(parts, blocks, slicer) {
    const { records } = parts;
    const kinds = this.site.doc.kinds.slice();
    if (!kinds.length) {
      records.markSent(blocks);
      this.redraw();
      this.setStatus('ready');
      return;
    }
    records.ask(kinds);
    this.setStatus('pending');
    const requests = await this.requests(blocks, kinds, slicer);
    for (let i = 0; i < requests.length; i += 1) {
      const { blocks: batch, kinds: asked } = requests[i];
      const reply = await parts.request.send(batch, asked, { retry: requests.slice(i).flatMap((r) => r.blocks) });
      // Switched off, or settings changed so that everything is sent again: drop the answer.
      if (parts !== this.parts) return;
      if (!reply.ok) {
        this.error = reply.error?.code ?? 'error';
        this.setStatus('error');
        return;
      }
      const { value } = reply;
      if (value.disabled) {
        this.serverDisabled = true;
        this.off('off:server');
        return;
      }
      this.error = '';
      if (!await this.takeAnswer(parts, batch, value, asked, slicer)) return;
    }
    this.setStatus('ready');
  }

  /**
   * The requests for `blocks`, in the order they go: the article's blocks in
   * and near the viewport, then the chrome near the article (disclosures
   * only, if the site shows them), then the rest of the article.
   */
  async requests(blocks, kinds, slicer) {
    const near = [];
    const far = [];
    const edge = [];
    const reach = NEAR_FIRST_VIEWPORTS * this.win.innerHeight;
    for (const b of blocks) {
      if (b.role === ROLE.EDGE) edge.push(b);
      else {
        const r = b.element.getBoundingClientRect();
        (r.bottom >= -reach && r.top <= this.win.innerHeight + reach ? near : far).push(b);
      }
      if (slicer.due()) await slicer.pause();
    }
    const edgeKinds = kinds.filter((k) => k === 'disclosure');
    return [
      { blocks: near, kinds },
      { blocks: edgeKinds.length ? edge : [], kinds: edgeKinds },
      { blocks: far, kinds },
    ].filter((r) => r.blocks.length);
  }

  /** Anchor and draw one answer; false once these parts are gone. */
  async takeAnswer(parts, blocks, value, kinds, slicer) {
    // Anchor in time slices; what the page or the settings do meanwhile is
    // checked after each pause, and the records change only once, at the end.
    slicer.restart();
    const answer = await anchorAnswer(blocks, value.blocks ?? [], {
      slicer,
      recollect: recollectBlock,
      wanted: () => parts === this.parts,
    });
    if (!answer) return false;
    const byId = new Map(blocks.map((b) => [b.id, b]));
    for (const r of answer.anchored) r.sources = linksIn(byId.get(r.id), r.span);
    parts.records.add(blocks, answer.anchored, { orphans: answer.orphans, kinds, model: value.model, notes: value.notes ?? [] });
    await this.redraw(slicer);
    if (parts !== this.parts) return false;
    if (this.firstMs === null && parts.records.items.length) {
      this.firstMs = Math.round(this.win.performance.now());
      this.state.changed();
    }
    return true;
  }

  prune(parts) {
    if (parts === this.parts && parts.records.prune()) this.redraw();
  }

  /**
   * Draw the records the site's settings show. Many new flags (a long page's
   * answer, or claims shown again) are taken on in time slices: the returned
   * promise resolves when they all are.
   */
  redraw(slicer = this.slicer()) {
    const { parts } = this;
    if (!parts) return Promise.resolve();
    const items = parts.records.show(this.site.doc);
    const drawn = parts.watcher.ignoring(() => parts.highlighter.setItems(items, slicer));
    parts.pointer.setItems(items);
    this.state.changed();
    return drawn;
  }

  // ---- state ------------------------------------------------------------------------

  setStatus(status) {
    this.status = status;
    this.state.changed();
  }

  /** @returns {import('./page-state.js').TabState} */
  snapshot() {
    const records = this.parts?.records;
    return {
      host: this.site?.host ?? '',
      status: this.status,
      reason: this.reason,
      error: this.status === 'error' ? this.error || 'error' : '',
      counts: records?.counts() ?? { claim: 0, disclosure: 0, high: 0, normal: 0 },
      notes: records?.notes.slice(0, 20) ?? [],
      orphans: records?.orphans ?? 0,
      visible: this.visible,
      model: records?.model ?? '',
      mode: this.parts?.highlighter.mode ?? '',
      firstMs: this.firstMs,
    };
  }

  // ---- messages from the service worker ------------------------------------------------

  onMessage(msg) {
    switch (msg?.what) {
      case MSG.FLAG_NEXT:
        return ok(this.step(1));
      case MSG.FLAG_PREVIOUS:
        return ok(this.step(-1));
      case MSG.FLAG_DISMISS: {
        const item = this.parts?.pointer.current();
        if (!item) return fail('no_flag', 'no flag is shown');
        return this.dismiss(item);
      }
      case MSG.HIGHLIGHTS_TOGGLE:
        this.setVisible(!this.visible);
        return ok(this.visible);
      case MSG.ANALYZE_NOW:
        return this.analyzeNow();
      case MSG.FLAGS_GET:
        return ok(this.parts?.records.entries() ?? []);
      case MSG.FLAG_SHOW: {
        const shown = this.showFlag(msg.index);
        return shown ? ok(shown) : fail('no_flag', `no flag ${msg.index}`);
      }
      default:
        return undefined;
    }
  }

  /** The reader asked for this page (click-to-analyze mode, or "Try again" after an error). */
  analyzeNow() {
    this.manual = true;
    this.serverDisabled = false;
    if (!this.site?.doc.enabled) return fail('disabled', 'ClaimFlag is off for this site');
    this.reason = '';
    if (this.parts) {
      this.parts.request.clearWait();
      this.parts.scheduler.schedule(null, { now: true });
    } else {
      this.restart();
    }
    return ok();
  }

  /**
   * "I know this site's disclaimer": the service stops flagging this sentence
   * on this site (for this install), and every copy of it on the page goes now.
   */
  async dismiss(item) {
    const hash = item?.span?.text_hash;
    if (!hash) return fail('no_token', 'this flag cannot be dismissed (no install token)');
    const reply = await ext.send({ what: MSG.DISMISS, textHash: hash });
    if (!reply.ok) return reply;
    const { parts } = this;
    if (!parts) return ok({ dismissed: 0 });
    const dismissed = parts.records.dismiss(hash);
    parts.pointer.hide();
    if (parts.highlighter.focused?.span?.text_hash === hash) parts.highlighter.setFocus(null);
    this.redraw();
    return ok({ dismissed });
  }

  setVisible(visible) {
    this.visible = visible;
    this.parts?.highlighter.setVisible(visible);
    if (!visible) this.parts?.pointer.hide();
    this.state.changed();
  }

  /** The flag at `index` of the list (reading order), shown; null if there is none. */
  showFlag(index) {
    const pointer = this.parts?.pointer;
    if (!Number.isInteger(index) || !pointer?.items[index]) return null;
    if (!this.visible) this.setVisible(true);
    return pointer.showAt(index);
  }

  /** The next (dir 1) or previous (dir -1) flag, shown; null if there is none. */
  step(dir) {
    const pointer = this.parts?.pointer;
    if (!pointer?.items.length) return null;
    if (!this.visible) this.setVisible(true);
    return pointer.step(dir);
  }
}

/** The link elements of `block` that overlap `span`'s sentence. */
function linksIn(block, span) {
  if (!block) return [];
  return blockLinks(block).filter((l) => l.start < span.end && span.start < l.end).map((l) => l.element);
}
