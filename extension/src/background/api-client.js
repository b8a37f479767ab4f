// The service's HTTP API (DESIGN.md), as used by the service worker. The
// batching and response checks are pure functions that `node --test` imports.

export const LIMITS = Object.freeze({
  blocks: 5000, // blocks per request
  chars: 200000, // characters of block text per request
  bytes: 2 * 1024 * 1024, // request body
  links: 200, // link ranges per block
});

const encoder = new TextEncoder();

/**
 * Split blocks into requests that each stay within the service's limits,
 * keeping document order. A single block over a limit is cut into pieces
 * whose ids are `${id}~${n}` and whose spans are mapped back by `mergeSplitBlocks`
 * (a piece keeps the link ranges inside it, shifted).
 * @param {{id: string, text: string, links?: number[][]}[]} blocks
 * @param {typeof LIMITS} [limits]
 * @param {number} [overhead] bytes reserved for the rest of the body (url, kinds)
 * @returns {{id: string, text: string, links?: number[][], parent?: string, offset?: number}[][]}
 */
export function splitBatches(blocks, limits = LIMITS, overhead = 4096) {
  const maxChars = Math.min(limits.chars, Math.floor((limits.bytes - overhead) / 8));
  const pieces = [];
  for (const b of blocks) {
    if (b.text.length <= maxChars) {
      pieces.push(b);
      continue;
    }
    // Cut an oversized block at a sentence or space boundary, never inside a surrogate pair.
    let at = 0;
    let n = 0;
    while (at < b.text.length) {
      let end = Math.min(b.text.length, at + maxChars);
      if (end < b.text.length) {
        const window = b.text.slice(at, end);
        const cut = Math.max(window.lastIndexOf('. '), window.lastIndexOf('\n'));
        if (cut > maxChars / 2) end = at + cut + 1;
        else {
          const sp = window.lastIndexOf(' ');
          if (sp > maxChars / 2) end = at + sp + 1;
        }
        const c = b.text.charCodeAt(end - 1);
        if (c >= 0xd800 && c <= 0xdbff) end -= 1;
      }
      const links = (b.links ?? []).filter(([s, e]) => s >= at && e <= end).map(([s, e]) => [s - at, e - at]);
      pieces.push({ id: `${b.id}~${n}`, text: b.text.slice(at, end), links, parent: b.id, offset: at });
      n += 1;
      at = end;
    }
  }
  const batches = [];
  let cur = [];
  let chars = 0;
  let bytes = overhead;
  for (const p of pieces) {
    const size = encoder.encode(JSON.stringify(toRequestBlock(p))).length + 1;
    if (cur.length && (cur.length + 1 > limits.blocks || chars + p.text.length > limits.chars || bytes + size > limits.bytes)) {
      batches.push(cur);
      cur = [];
      chars = 0;
      bytes = overhead;
    }
    cur.push(p);
    chars += p.text.length;
    bytes += size;
  }
  if (cur.length) batches.push(cur);
  return batches;
}

/**
 * A block as /v1/analyze takes it: id, text and, when it has any, the UTF-16
 * ranges of its links (positions only; at most LIMITS.links, the first ones;
 * a range that is not inside the text is left out).
 */
export function toRequestBlock({ id, text, links }) {
  const ok = (links ?? []).filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1])
    && r[0] >= 0 && r[0] < r[1] && r[1] <= text.length);
  return ok.length ? { id, text, links: ok.slice(0, LIMITS.links).map(([s, e]) => [s, e]) } : { id, text };
}

/** Map spans of cut pieces (`parent`/`offset`) back onto their original block ids. */
export function mergeSplitBlocks(sentPieces, answeredBlocks) {
  const info = new Map(sentPieces.map((p) => [p.id, p]));
  const out = new Map();
  for (const rb of answeredBlocks) {
    const p = info.get(rb.id);
    if (!p) continue;
    const id = p.parent ?? p.id;
    const shift = p.offset ?? 0;
    if (!out.has(id)) out.set(id, { id, spans: [] });
    for (const s of rb.spans ?? []) out.get(id).spans.push({ ...s, start: s.start + shift, end: s.end + shift });
  }
  return [...out.values()];
}

/** Whether `value` is an /v1/analyze answer this extension can use. */
export function validAnalyzeResponse(value) {
  if (!value || typeof value !== 'object') return false;
  if (value.disabled === true) return true;
  if (value.offsets !== undefined && value.offsets !== 'utf16') return false;
  if (!Array.isArray(value.blocks)) return false;
  return value.blocks.every((b) => b && typeof b.id === 'string' && Array.isArray(b.spans ?? []));
}

export class ApiError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    Object.assign(this, extra);
  }
}

/**
 * POST/GET/... JSON to the service. Resolves to {status, body}; throws
 * ApiError for network failures and for error answers (the one JSON error shape).
 */
export async function request(baseUrl, path, { method = 'GET', body, token, timeoutMs = 20000, okStatuses = [200, 201, 204] } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctrl.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(ctrl.signal.aborted ? 'timeout' : 'unreachable',
      `ClaimFlag service not reachable at ${baseUrl}`, { cause: String(err?.message ?? err) });
  } finally {
    clearTimeout(timer);
  }
  let json = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (okStatuses.includes(res.status)) return { status: res.status, body: json };
  const e = json?.error;
  // 429 and the 503s (busy, analysis_timeout, Redis down) say when to try again.
  const retryAfter = Number(res.headers.get('Retry-After')) || 0;
  const extra = { status: res.status, field: e?.field, ...(retryAfter ? { retryAfter } : {}) };
  if (res.status === 429) {
    return Promise.reject(new ApiError('rate_limited', e?.message ?? 'rate limited',
      { ...extra, retryAfter: retryAfter || 5 }));
  }
  throw new ApiError(e?.code ?? `http_${res.status}`, e?.message ?? `HTTP ${res.status}`, extra);
}
