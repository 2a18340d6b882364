/* aligntm review editor: the page of `aligntm review` (protocol: align/review/PROTOCOL.md).

Plain ES2020, no framework, no build step; the server inlines this file into index.html under a
CSP nonce, so nothing here may load anything, use inline handlers or set style attributes in HTML.
Document text only ever reaches the DOM through textContent / createTextNode.

DOM contract (the tests in tests/test_review_browser.py rely on it; keep it stable):
  body[data-ready="1"]          once the first document's state is rendered (data-ready-ms: when,
                                in ms since the navigation started)
  body[data-version="N"]        a counter bumped after every applied answer (edit, undo, redo,
                                realign) and every state (re)load: wait for it to change
  body[data-server-version]     the document's `version` from the server
  body[data-busy="1"]           while requests are pending
  #doc-name                     the document name(s); #doc-select (inside #doc-select-label,
                                hidden for a single document) lists the documents
  #counts[data-rows|data-confirmed|data-edited|data-to-check]   the counts of the server
  #status[role=status][data-kind=info|done|error]   the last message; body[data-messages] counts them
  #notice                       the server's notice (hidden when none)
  #colheads > div.colhead[data-lang]                 column headers, `languages` order
  #viewport                     the scroll container (focusable: keys go to it); #rows inside it
  #rows > div.spacer            one spacer above the rendered rows (windowed list)
  #rows > div.row[data-row=R]   R = index in the state's rows; classes: auto|confirmed|edited,
                                conf-high|conf-mid|conf-low (by confidence), current (the focused
                                row), changed (listed by the last realign), touched (by the last
                                undo/redo), flagged; data-confidence; aria-selected
    div.gutter > span.num, span.state, span.conf, div.flags > span.flag[data-kind][title=reason]
    div.cell[data-lang=L][lang=L] (.empty when it holds no sentence, .focus-cell when focused)
      span.sentence[data-index=I] (.focused) holding the text, with span.clause[data-at=K] marks
      (K = code-point offset from the sentence's `splits`; click one to cut the sentence there)
  #details                      flags with their reasons, confidence and sources of the current row
  #toolbar button#btn-<action>  each action's button, its key in its title (see ACTIONS below):
    btn-merge btn-merge-prev btn-split btn-unpair btn-move-up btn-move-down btn-edit
    btn-split-sentence btn-join btn-confirm btn-confirm-above btn-prev-flag btn-next-flag
    btn-realign btn-undo btn-redo btn-help
  #filter-text, #filter-flag (""=all, "*"=any flag, or a kind), #filter-confidence (""=all or a
  maximum: rows with a confidence below it), #filter-status (""|auto|edited|confirmed|unconfirmed),
  #filter-clear, #filter-count
  #export-tmx, #export-tsv, #export-jsonl (links carrying the token), #export-confirmed (checkbox)
  #editor (dialog): #editor-text, #editor-save, #editor-split (cut at the caret), #editor-cancel
  #help (dialog, `?`): #help-keys lists the keys
*/
'use strict';
(() => {
  const TOKEN = new URLSearchParams(location.search).get('token') || '';
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const vp = $('viewport');
  const rowsEl = $('rows');
  const statusEl = $('status');
  const editorEl = $('editor');
  const helpEl = $('help');
  const editorText = $('editor-text');

  // ---- state -------------------------------------------------------------------------------
  let docId = 0;
  let docs = [];
  let S = null;                     // the state of the server, rows spliced in place
  let langs = [];
  let vis = new Int32Array(0);      // indices of the rows the filters let through, ascending
  let offs = new Float64Array(1);   // offs[k]: top of visible row k in px (estimated or measured)
  const cur = { row: 0, col: 0, sent: 0 };
  let changedRows = new Set();      // row objects listed in the last realign's `changed`
  let touchedRows = new Set();      // ... in the last undo / redo's
  let measured = new WeakMap();     // row object -> rendered height (px)
  let estimated = new WeakMap();    // row object -> estimated height (px)
  const lowered = new WeakMap();    // row object -> its text in lower case (the text filter)
  const elements = new Map();       // row object -> its element, for the rows rendered now
  let metrics = { cellWidth: 300, fontSize: 15, lineHeight: 22.5 };
  let answers = 0;
  let messages = 0;
  let pending = 0;
  let generation = 0;               // bumped on a reload: queued edits of before are dropped
  let queue = Promise.resolve();
  let editing = null;
  const filters = { text: '', flag: '', conf: null, status: '' };
  const OVERSCAN = 6;
  const LOW = 0.5;

  const spacer = document.createElement('div');
  spacer.className = 'spacer';
  rowsEl.appendChild(spacer);

  // ---- the server ------------------------------------------------------------------------------
  class HttpError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(method, path, payload) {
    const headers = { 'X-Aligntm-Token': TOKEN };
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method, headers, cache: 'no-store', credentials: 'same-origin',
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
    } catch (e) {
      throw new HttpError(0, 'The server does not answer: is `aligntm review` still running?');
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      let text = data && typeof data.error === 'string' ? data.error : `${res.status} ${res.statusText}`;
      if (res.status === 403) {
        text = 'The server refused the request (wrong or missing token): open the address `aligntm review` printed.';
      }
      throw new HttpError(res.status, text);
    }
    return data;
  }

  const docPath = (what) => `/api/doc/${encodeURIComponent(docId)}/${what}`;

  function setBusy(delta) {
    pending += delta;
    body.dataset.busy = pending > 0 ? '1' : '0';
  }

  /* Requests run one at a time, in order; TASK builds its request when its turn comes (so that it
     addresses the rows as they are then). */
  function enqueue(task) {
    const gen = generation;
    setBusy(1);
    queue = queue.then(async () => {
      if (gen !== generation) return;
      try {
        await task();
      } catch (e) {
        await failed(e);
      }
    }).finally(() => setBusy(-1));
    return queue;
  }

  async function failed(e) {
    if (!(e instanceof HttpError)) {
      console.error(e);
      say(`Error in the page: ${e && e.message ? e.message : e}`, 'error');
      return;
    }
    if (e.status === 409) {
      generation += 1;
      try {
        await loadState(docId, true);
        say('The document was changed elsewhere (another tab?): reloaded it; do the last edit again.', 'error');
        statusEl.title = e.message;
      } catch (e2) {
        say(e2.message, 'error');
      }
      return;
    }
    say(e.message, 'error');
  }

  function say(text, kind = 'info') {
    statusEl.textContent = text;
    statusEl.title = '';
    statusEl.dataset.kind = kind;
    messages += 1;
    body.dataset.messages = String(messages);
  }

  // ---- loading ---------------------------------------------------------------------------------
  async function start() {
    if (!TOKEN) say('No token in the address: open the address `aligntm review` printed.', 'error');
    try {
      const list = await api('GET', '/api/documents');
      docs = list.documents || [];
      fillDocSelect(list.current);
      await loadState(list.current != null ? list.current : (docs[0] ? docs[0].id : 0), false);
    } catch (e) {
      say(e.message || String(e), 'error');
    }
  }

  function fillDocSelect(current) {
    const select = $('doc-select');
    select.replaceChildren();
    for (const d of docs) {
      const o = document.createElement('option');
      o.value = String(d.id);
      o.textContent = docLabel(d);
      if (d.id === current) o.selected = true;
      select.appendChild(o);
    }
    $('doc-select-label').hidden = docs.length < 2;
  }

  function docLabel(d) {
    const c = d.counts || {};
    return c.rows != null ? `${d.name} — ${c.confirmed || 0}/${c.rows} confirmed` : d.name;
  }

  async function loadState(id, keep) {
    const st = await api('GET', `/api/doc/${encodeURIComponent(id)}/state`);
    const sameDoc = id === docId && S !== null;
    docId = id;
    S = st;
    for (const r of S.rows) normalizeRow(r);
    langs = S.languages || Object.keys((S.rows[0] || { cells: {} }).cells);
    changedRows = new Set();
    touchedRows = new Set();
    elements.clear();
    rowsEl.replaceChildren(spacer);
    if (!keep || !sameDoc) { cur.row = 0; cur.col = 0; cur.sent = 0; vp.scrollTop = 0; }
    setupColumns();
    fillFlagSelect();
    const notice = $('notice');
    notice.hidden = !S.notice;
    notice.textContent = S.notice || '';
    const select = $('doc-select');
    if (select.value !== String(id)) select.value = String(id);
    measureMetrics();
    refilter();
    updateChrome();
    show();
    if (body.dataset.ready !== '1') body.dataset.readyMs = String(Math.round(performance.now()));
    body.dataset.ready = '1';
    bump();
  }

  function normalizeRow(r) {
    if (!r.cells) r.cells = {};
    if (!Array.isArray(r.flags)) r.flags = [];
    if (r.confidence === undefined) r.confidence = null;
    return r;
  }

  function bump() {
    answers += 1;
    body.dataset.version = String(answers);
    body.dataset.serverVersion = String(S.version);
  }

  function setupColumns() {
    document.documentElement.style.setProperty('--ncols', String(langs.length));
    const heads = $('colheads');
    heads.replaceChildren();
    const g = document.createElement('div');
    g.className = 'colhead gutter-head';
    g.textContent = 'pair';
    heads.appendChild(g);
    for (const lang of langs) {
      const h = document.createElement('div');
      h.className = 'colhead';
      h.dataset.lang = lang;
      const b = document.createElement('b');
      b.textContent = lang;
      h.appendChild(b);
      const name = (S.names && S.names[lang]) || '';
      h.appendChild(document.createTextNode(name + (S.pivot === lang ? ' (pivot)' : '')));
      h.title = name;
      heads.appendChild(h);
    }
    const names = langs.map((l) => (S.names && S.names[l]) || l);
    $('doc-name').textContent = names.length ? names.join(' ↔ ') : (S.name || '');
    document.title = `${S.name || names[0] || 'document'} — aligntm review`;
    cur.col = Math.min(cur.col, langs.length - 1);
  }

  function fillFlagSelect() {
    const select = $('filter-flag');
    const kinds = Object.assign({}, S.flag_kinds || {});
    for (const r of S.rows) for (const f of r.flags) if (!(f.kind in kinds)) kinds[f.kind] = f.kind;
    const keep = select.value;
    while (select.options.length > 2) select.remove(2);
    for (const [kind, what] of Object.entries(kinds)) {
      const o = document.createElement('option');
      o.value = kind;
      o.textContent = kind;
      o.title = what;
      select.appendChild(o);
    }
    select.value = keep in kinds || keep === '*' ? keep : '';
    filters.flag = select.value;
  }

  // ---- filtering -------------------------------------------------------------------------------
  function rowText(r) {
    let t = lowered.get(r);
    if (t === undefined) {
      const parts = [];
      for (const lang of Object.keys(r.cells)) for (const s of r.cells[lang]) parts.push(s.text);
      t = parts.join('\n').toLowerCase();
      lowered.set(r, t);
    }
    return t;
  }

  function passes(r) {
    if (filters.status) {
      if (filters.status === 'unconfirmed' ? r.status === 'confirmed' : r.status !== filters.status) return false;
    }
    if (filters.flag === '*') {
      if (!r.flags.length) return false;
    } else if (filters.flag && !r.flags.some((f) => f.kind === filters.flag)) return false;
    if (filters.conf !== null && !(r.confidence !== null && r.confidence < filters.conf)) return false;
    if (filters.text && !rowText(r).includes(filters.text)) return false;
    return true;
  }

  const filtering = () => Boolean(filters.text || filters.flag || filters.status || filters.conf !== null);

  /* Recompute the visible rows and their offsets; the current row moves to the nearest visible one. */
  function refilter() {
    const rows = S.rows;
    if (!filtering()) {
      vis = new Int32Array(rows.length);
      for (let i = 0; i < rows.length; i++) vis[i] = i;
    } else {
      const out = [];
      for (let i = 0; i < rows.length; i++) if (passes(rows[i])) out.push(i);
      vis = Int32Array.from(out);
    }
    recomputeOffsets();
    const fc = $('filter-count');
    fc.textContent = filtering() ? `showing ${vis.length} of ${rows.length}` : '';
    snapCursor();
  }

  /* The cursor on a visible row (the nearest one below, else the last) and an existing sentence. */
  function snapCursor() {
    if (vis.length && visIndex(cur.row) < 0) {
      const k = lowerBound(cur.row);
      cur.row = vis[Math.min(k, vis.length - 1)];
    }
    clampSentence();
  }

  function lowerBound(r) {
    let lo = 0;
    let hi = vis.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (vis[mid] < r) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function visIndex(r) {
    const k = lowerBound(r);
    return k < vis.length && vis[k] === r ? k : -1;
  }

  // ---- heights and the windowed list ----------------------------------------------------------
  function measureMetrics() {
    const cs = getComputedStyle(body);
    const fs = parseFloat(cs.fontSize) || 15;
    const lh = parseFloat(cs.lineHeight) || fs * 1.5;
    const width = vp.clientWidth || 1000;
    const gutter = fs * 6.2 + 6;
    const n = Math.max(1, langs.length);
    metrics = { fontSize: fs, lineHeight: lh, cellWidth: Math.max(60, (width - gutter) / n - 17) };
    $('colheads').style.setProperty('--scrollbar', `${Math.max(0, vp.offsetWidth - vp.clientWidth)}px`);
  }

  function textLines(text) {
    const fs = metrics.fontSize;
    let w = 0;
    let lines = 1;
    let line = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) { lines += 1; w += line; line = 0; continue; }
      if ((c >= 0x0300 && c < 0x0370) || (c >= 0x0EB1 && c <= 0x0ECD && c !== 0x0EB2 && c !== 0x0EB3)) continue;
      line += (c >= 0x2E80 && c < 0xD800) || (c >= 0xF900 && c < 0xFFA0) ? fs : fs * 0.56;
    }
    w += line;
    return Math.max(lines, Math.ceil((w + 1) / metrics.cellWidth));
  }

  function estimate(r) {
    let h = estimated.get(r);
    if (h !== undefined) return h;
    let most = 1;
    for (const lang of langs) {
      const cell = r.cells[lang] || [];
      let lines = 0;
      for (const s of cell) lines += textLines(s.text) + 0.25;
      if (lines > most) most = lines;
    }
    const gutter = 2 + Math.ceil(r.flags.length / 2);
    h = Math.max(most * metrics.lineHeight, gutter * metrics.fontSize * 0.75 * 1.4) + 9;
    h = Math.round(h);
    estimated.set(r, h);
    return h;
  }

  const heightOf = (r) => measured.get(r) || estimate(r);

  function recomputeOffsets() {
    const rows = S.rows;
    const n = vis.length;
    offs = new Float64Array(n + 1);
    let y = 0;
    for (let k = 0; k < n; k++) {
      offs[k] = y;
      y += heightOf(rows[vis[k]]);
    }
    offs[n] = y;
    rowsEl.style.height = `${y}px`;
  }

  /* The visible-row index k with offs[k] <= y < offs[k+1] (clamped). */
  function rowAt(y) {
    const n = vis.length;
    if (!n) return 0;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offs[mid] <= y) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  let rendering = false;

  /* Render the rows in view (and a few around), measure them, and keep what is at the top of
     the view in place when measured heights differ from the estimates. */
  function render() {
    if (!S || rendering) return;
    rendering = true;
    try {
      for (let pass = 0; pass < 3; pass++) {
        if (!renderPass()) break;
      }
    } finally {
      rendering = false;
    }
    updateDetails();
  }

  function renderPass() {
    const rows = S.rows;
    const n = vis.length;
    if (!n) {
      for (const el of elements.values()) el.remove();
      elements.clear();
      spacer.style.height = '0px';
      rowsEl.style.height = '0px';
      if (!rowsEl.querySelector('.row-empty')) {
        const empty = document.createElement('div');
        empty.className = 'row-empty';
        empty.textContent = S.rows.length ? 'No pair matches the filters.' : 'The document has no pairs.';
        rowsEl.appendChild(empty);
      }
      return false;
    }
    const stale = rowsEl.querySelector('.row-empty');
    if (stale) stale.remove();
    const top = vp.scrollTop;
    const height = vp.clientHeight || 800;
    const anchor = rowAt(top);
    const anchorShift = top - offs[anchor];
    const first = Math.max(0, anchor - OVERSCAN);
    const last = Math.min(n - 1, rowAt(top + height) + OVERSCAN);
    const wanted = [];
    const keep = new Set();
    for (let k = first; k <= last; k++) {
      const r = vis[k];
      const row = rows[r];
      let el = elements.get(row);
      if (!el) {
        el = buildRow(row);
        elements.set(row, el);
      }
      decorate(el, row, r);
      keep.add(row);
      wanted.push(el);
    }
    for (const [row, el] of elements) {
      if (!keep.has(row)) { el.remove(); elements.delete(row); }
    }
    spacer.style.height = `${offs[first]}px`;
    // put the elements in order after the spacer, moving only those out of place
    let prev = spacer;
    for (const el of wanted) {
      if (prev.nextSibling !== el) rowsEl.insertBefore(el, prev.nextSibling);
      prev = el;
    }
    while (prev.nextSibling) prev.nextSibling.remove();
    // measure
    let changed = false;
    for (let k = first; k <= last; k++) {
      const row = rows[vis[k]];
      const h = elements.get(row).offsetHeight;
      if (h && h !== heightOf(row)) {
        measured.set(row, h);
        changed = true;
      } else if (h && !measured.has(row)) measured.set(row, h);
    }
    if (!changed) return false;
    recomputeOffsets();
    spacer.style.height = `${offs[first]}px`;
    const want = Math.round(offs[anchor] + anchorShift);
    if (Math.abs(want - vp.scrollTop) >= 1 && top > 0) vp.scrollTop = want;
    // another pass when the rendered rows no longer cover the view
    const covered = offs[last + 1];
    return covered < vp.scrollTop + height && last < n - 1;
  }

  function buildRow(row) {
    const el = document.createElement('div');
    el.setAttribute('role', 'option');
    const gutter = document.createElement('div');
    gutter.className = 'gutter';
    const num = document.createElement('span');
    num.className = 'num';
    const state = document.createElement('span');
    state.className = 'state';
    state.textContent = row.status === 'confirmed' ? '✓' : row.status === 'edited' ? '✎' : '';
    state.title = row.status === 'confirmed' ? 'confirmed' : row.status === 'edited' ? 'edited, not confirmed' : 'to check';
    const conf = document.createElement('span');
    conf.className = 'conf';
    conf.textContent = row.confidence === null ? (row.status === 'edited' ? 'edited' : '') : row.confidence.toFixed(2);
    conf.title = 'alignment confidence';
    gutter.append(num, state, conf);
    if (row.flags.length) {
      // one badge per kind; its title lists the reasons (one per language pair with a pivot)
      const flags = document.createElement('div');
      flags.className = 'flags';
      const reasons = new Map();
      for (const f of row.flags) {
        if (!reasons.has(f.kind)) reasons.set(f.kind, []);
        reasons.get(f.kind).push(f.reason || (S.flag_kinds && S.flag_kinds[f.kind]) || f.kind);
      }
      for (const [kind, why] of reasons) {
        const b = document.createElement('span');
        b.className = 'flag';
        b.dataset.kind = kind;
        b.textContent = kind;
        b.title = why.join('\n');
        flags.appendChild(b);
      }
      gutter.appendChild(flags);
    }
    el.appendChild(gutter);
    for (const lang of langs) {
      const cell = document.createElement('div');
      const sentences = row.cells[lang] || [];
      cell.className = sentences.length ? 'cell' : 'cell empty';
      cell.dataset.lang = lang;
      cell.lang = lang;
      sentences.forEach((s, i) => {
        const span = document.createElement('span');
        span.className = 'sentence';
        span.dataset.index = String(i);
        if (s.where) span.title = s.where;
        fillSentence(span, s);
        cell.appendChild(span);
      });
      el.appendChild(cell);
    }
    el._num = num;
    return el;
  }

  /* Code-point offsets (the server's) to UTF-16 indices (the DOM's), and back. */
  function unitIndex(text, cp) {
    if (!/[\uD800-\uDFFF]/.test(text)) return cp;
    let u = 0;
    for (let k = 0; k < cp && u < text.length; k++) u += text.codePointAt(u) > 0xFFFF ? 2 : 1;
    return u;
  }

  function codePointIndex(text, unit) {
    if (!/[\uD800-\uDFFF]/.test(text)) return unit;
    return Array.from(text.slice(0, unit)).length;
  }

  function fillSentence(span, s) {
    const text = String(s.text);
    const cps = (s.splits || []).filter((k) => Number.isInteger(k) && k > 0).sort((a, b) => a - b);
    let prev = 0;
    for (const cp of cps) {
      const u = unitIndex(text, cp);
      if (u <= prev || u >= text.length) continue;
      span.appendChild(document.createTextNode(text.slice(prev, u)));
      const mark = document.createElement('span');
      mark.className = 'clause';
      mark.dataset.at = String(cp);
      mark.title = 'clause point: click to cut the sentence here (x cuts at the first one)';
      span.appendChild(mark);
      prev = u;
    }
    span.appendChild(document.createTextNode(text.slice(prev)));
  }

  function confClass(row) {
    const c = row.confidence;
    if (c === null || c === undefined) return '';
    return c >= 0.9 ? 'conf-high' : c >= LOW ? 'conf-mid' : 'conf-low';
  }

  function decorate(el, row, r) {
    const isCur = r === cur.row;
    let cls = `row ${row.status || 'auto'}`;
    const cc = confClass(row);
    if (cc) cls += ` ${cc}`;
    if (row.flags.length) cls += ' flagged';
    if (isCur) cls += ' current';
    if (changedRows.has(row)) cls += ' changed';
    if (touchedRows.has(row)) cls += ' touched';
    if (el.className !== cls) el.className = cls;
    const rs = String(r);
    if (el.dataset.row !== rs) {
      el.dataset.row = rs;
      el.id = `row-${r}`;
      el._num.textContent = String(r + 1);
    }
    if (row.confidence !== null) el.dataset.confidence = String(row.confidence);
    el.setAttribute('aria-selected', isCur ? 'true' : 'false');
    if (isCur || el._focus) {
      if (el._focus) {
        for (const x of el.querySelectorAll('.focus-cell, .focused')) x.classList.remove('focus-cell', 'focused');
        el._focus = false;
      }
      if (isCur) {
        const cell = el.querySelector(`.cell[data-lang="${cssEscape(langs[cur.col])}"]`);
        if (cell) {
          cell.classList.add('focus-cell');
          const s = cell.querySelector(`.sentence[data-index="${cur.sent}"]`);
          if (s) s.classList.add('focused');
        }
        el._focus = true;
        vp.setAttribute('aria-activedescendant', el.id);
      }
    }
  }

  const cssEscape = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&'));

  /* Scroll so that visible row K (default: the current row) is in view, then render. */
  function show(k) {
    if (k === undefined) k = visIndex(cur.row);
    if (k < 0 || !vis.length) { render(); return; }
    for (let pass = 0; pass < 3; pass++) {
      const top = vp.scrollTop;
      const h = vp.clientHeight || 800;
      const y0 = offs[k];
      const y1 = offs[k + 1];
      const margin = Math.min(60, h / 4);
      let want = top;
      if (y0 < top) want = Math.max(0, y0 - margin);
      else if (y1 > top + h) want = Math.min(y0 - margin, y1 - h + margin);
      if (want !== top) vp.scrollTop = want;
      render();
      if (offs[k] >= vp.scrollTop - 1 && (offs[k + 1] <= vp.scrollTop + h + 1 || offs[k + 1] - offs[k] > h)) break;
    }
    updateHeads();
  }

  let frame = 0;
  vp.addEventListener('scroll', () => {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; render(); });
  }, { passive: true });

  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (!S) return;
      const k = rowAt(vp.scrollTop);
      measured = new WeakMap();
      estimated = new WeakMap();
      for (const el of elements.values()) el.remove();
      elements.clear();
      measureMetrics();
      recomputeOffsets();
      vp.scrollTop = offs[k] || 0;
      render();
    }, 120);
  });

  // ---- chrome: counts, buttons, details, export ------------------------------------------------
  function updateChrome() {
    const c = S.counts || {};
    const counts = $('counts');
    counts.dataset.rows = String(c.rows ?? S.rows.length);
    counts.dataset.confirmed = String(c.confirmed ?? 0);
    counts.dataset.edited = String(c.edited ?? 0);
    counts.dataset.toCheck = String(c.to_check ?? 0);
    $('count-rows').textContent = String(c.rows ?? S.rows.length);
    $('count-confirmed').textContent = String(c.confirmed ?? 0);
    $('count-edited').textContent = String(c.edited ?? 0);
    $('count-to-check').textContent = String(c.to_check ?? 0);
    const total = Math.max(1, c.rows || S.rows.length);
    $('progress-confirmed').style.width = `${(100 * (c.confirmed || 0)) / total}%`;
    $('progress-edited').style.width = `${(100 * (c.edited || 0)) / total}%`;
    counts.title = `${c.confirmed || 0} confirmed, ${c.edited || 0} edited (not confirmed), ${c.to_check || 0} still to check`;
    $('btn-undo').disabled = !S.can_undo;
    $('btn-redo').disabled = !S.can_redo;
    const d = docs.find((x) => x.id === docId);
    if (d) {
      d.counts = c;
      const o = [...$('doc-select').options].find((x) => x.value === String(docId));
      if (o) o.textContent = docLabel(d);
    }
    updateExport();
  }

  function updateExport() {
    const only = $('export-confirmed').checked ? '1' : '0';
    for (const fmt of ['tmx', 'tsv', 'jsonl']) {
      const a = $(`export-${fmt}`);
      a.href = `/api/doc/${encodeURIComponent(docId)}/export?format=${fmt}&confirmed_only=${only}&token=${encodeURIComponent(TOKEN)}`;
      a.title = `Download the ${only === '1' ? 'confirmed pairs' : 'pairs'} as ${fmt.toUpperCase()}`;
    }
  }

  function updateHeads() {
    for (const h of $('colheads').querySelectorAll('.colhead[data-lang]')) {
      h.classList.toggle('focus-col', h.dataset.lang === langs[cur.col]);
    }
  }

  function updateDetails() {
    const d = $('details');
    d.replaceChildren();
    if (!S || !vis.length || visIndex(cur.row) < 0) return;
    const row = S.rows[cur.row];
    const line = document.createElement('div');
    const status = row.status === 'confirmed' ? 'confirmed' : row.status === 'edited' ? 'edited (not confirmed)' : 'to check';
    const conf = row.confidence === null ? '' : ` · confidence ${row.confidence.toFixed(2)}`;
    const s = currentSentence();
    const lang = langs[cur.col];
    const where = s
      ? ` · ${lang} sentence ${cur.sent + 1}/${(row.cells[lang] || []).length}${s.where ? ` (${s.where})` : ''}`
      : ` · ${lang}: no sentence`;
    line.textContent = `Pair ${cur.row + 1} of ${S.rows.length} · ${status}${conf}${where}`;
    d.appendChild(line);
    for (const f of row.flags) {
      const fl = document.createElement('div');
      fl.className = 'flag-line';
      const b = document.createElement('b');
      b.textContent = `${f.kind}:`;
      fl.append(b, document.createTextNode(` ${f.reason || (S.flag_kinds && S.flag_kinds[f.kind]) || ''}`));
      d.appendChild(fl);
    }
  }

  // ---- the cursor ------------------------------------------------------------------------------
  function currentCell() {
    const row = S && S.rows[cur.row];
    return row ? row.cells[langs[cur.col]] || [] : [];
  }

  function currentSentence() {
    return currentCell()[cur.sent] || null;
  }

  function clampSentence() {
    const n = currentCell().length;
    cur.sent = Math.max(0, Math.min(cur.sent, n - 1));
  }

  function moveTo(r, opts = {}) {
    if (r === undefined || r < 0 || !S || r >= S.rows.length) return;
    const moved = r !== cur.row;
    cur.row = r;
    if (moved && opts.keepSentence !== true) cur.sent = opts.last ? currentCell().length - 1 : 0;
    clampSentence();
    show();
  }

  function moveBy(delta) {
    if (!vis.length) return;
    let k = visIndex(cur.row);
    if (k < 0) k = Math.min(lowerBound(cur.row), vis.length - 1);
    else k = Math.max(0, Math.min(vis.length - 1, k + delta));
    moveTo(vis[k]);
  }

  function moveColumn(delta) {
    cur.col = Math.max(0, Math.min(langs.length - 1, cur.col + delta));
    cur.sent = 0;
    clampSentence();
    render();
    updateHeads();
  }

  function moveSentence(delta) {
    const n = currentCell().length;
    const next = cur.sent + delta;
    if (next < 0 || next >= n) return false;
    cur.sent = next;
    render();
    return true;
  }

  function needsReview(row) {
    return row.status !== 'confirmed' && (row.flags.length > 0 || (row.confidence !== null && row.confidence < LOW));
  }

  function nextFlagged(delta) {
    if (!vis.length) return;
    let k = visIndex(cur.row);
    if (k < 0) k = delta > 0 ? lowerBound(cur.row) - 1 : lowerBound(cur.row);
    for (k += delta; k >= 0 && k < vis.length; k += delta) {
      if (needsReview(S.rows[vis[k]])) { moveTo(vis[k]); return; }
    }
    say(delta > 0 ? 'No flagged or low-confidence pair below (confirmed pairs are skipped).'
      : 'No flagged or low-confidence pair above (confirmed pairs are skipped).');
  }

  function pageBy(dir) {
    if (!vis.length) return;
    const k = Math.max(0, visIndex(cur.row));
    const y = offs[k] + dir * Math.max(100, vp.clientHeight - 40);
    moveTo(vis[rowAt(Math.max(0, y))]);
  }

  function focusRows() {
    if (document.activeElement !== vp) vp.focus({ preventScroll: true });
  }

  // ---- applying answers ------------------------------------------------------------------------
  /* Apply a splice answer; PLACE(ans) (optional) puts the cursor once the rows are updated. */
  function apply(ans, place, kind) {
    const t0 = performance.now();
    const rows = S.rows;
    const added = (ans.rows || []).map(normalizeRow);
    const start = ans.start;
    const removed = ans.removed;
    if (added.length < 5000) rows.splice(start, removed, ...added);
    else S.rows = rows.slice(0, start).concat(added, rows.slice(start + removed));
    S.version = ans.version;
    if (ans.counts) S.counts = ans.counts;
    if ('can_undo' in ans) S.can_undo = ans.can_undo;
    if ('can_redo' in ans) S.can_redo = ans.can_redo;
    const changed = (ans.changed || []).map((i) => S.rows[i]).filter(Boolean);
    changedRows = new Set(kind === 'realign' ? changed : []);
    touchedRows = new Set(kind === 'history' ? changed : []);
    // the cursor follows its row; inside the replaced range it stays at the same index
    if (cur.row >= start + removed) cur.row += added.length - removed;
    else if (cur.row >= start) cur.row = Math.min(cur.row, start + Math.max(0, added.length - 1));
    cur.row = Math.max(0, Math.min(cur.row, S.rows.length - 1));
    if (added.some((r) => r.flags.some((f) => !(f.kind in (S.flag_kinds || {}))))) fillFlagSelect();
    refilter();
    if (place) place(ans);
    cur.row = Math.max(0, Math.min(cur.row, S.rows.length - 1));
    snapCursor();
    updateChrome();
    show();
    bump();
    performance.clearMeasures('aligntm-apply');
    performance.measure('aligntm-apply', { start: t0 });   // for benchmarks: the last answer's cost
  }

  function edit(make, place, describe) {
    enqueue(async () => {
      const req = make();
      if (!req) return;
      const ans = await api('POST', docPath('edit'), Object.assign({ version: S.version }, req));
      apply(ans, place ? (a) => place(req, a) : null, 'edit');
      if (describe) say(describe(req, ans), 'done');
    });
  }

  function history(what) {
    enqueue(async () => {
      if (what === 'realign') say('Realigning…');
      const ans = await api('POST', docPath(what), { version: S.version });
      apply(ans, (a) => {
        if (what !== 'realign' && a.changed && a.changed.length) {
          cur.row = Math.min(a.changed[0], S.rows.length - 1);
        } else if (what !== 'realign' && a.rows && (a.rows.length || a.removed)) {
          cur.row = Math.min(a.start, S.rows.length - 1);
        }
      }, what === 'realign' ? 'realign' : 'history');
      if (what === 'realign') {
        const n = (ans.changed || []).length;
        say(n ? `Realigned: ${n} pair${n === 1 ? '' : 's'} changed (highlighted).` : 'Realigned: no pair changed.', 'done');
      } else {
        say(what === 'undo' ? 'Undone.' : 'Redone.', 'done');
      }
    });
  }

  /* The current row, or null (with a message) when there is none in view. */
  function needRow() {
    if (!S || !vis.length || visIndex(cur.row) < 0) {
      say('No pair is selected.', 'error');
      return null;
    }
    return cur.row;
  }

  function needSentence() {
    if (needRow() === null) return null;
    const s = currentSentence();
    if (!s) {
      say(`The ${langs[cur.col]} cell of this pair holds no sentence.`, 'error');
      return null;
    }
    return { row: cur.row, lang: langs[cur.col], index: cur.sent, sentence: s };
  }

  const nth = (r) => `pair ${r + 1}`;

  // ---- the actions -----------------------------------------------------------------------------
  const ACTIONS = {
    next: { keys: ['j', '↓'], text: 'next pair', run: () => moveBy(1) },
    prev: { keys: ['k', '↑'], text: 'previous pair', run: () => moveBy(-1) },
    'col-left': { keys: ['h', '←'], text: 'focus the language column on the left', run: () => moveColumn(-1) },
    'col-right': { keys: ['l', '→'], text: 'focus the language column on the right', run: () => moveColumn(1) },
    'sent-next': { keys: ['Tab'], text: 'next sentence in the focused cell', run: () => moveSentence(1) },
    'sent-prev': { keys: ['Shift+Tab'], text: 'previous sentence in the focused cell', run: () => moveSentence(-1) },
    first: { keys: ['Home', 'g'], text: 'first pair', run: () => vis.length && moveTo(vis[0]) },
    last: { keys: ['End', 'G'], text: 'last pair', run: () => vis.length && moveTo(vis[vis.length - 1]) },
    'page-down': { keys: ['PgDn'], text: 'a screen down', run: () => pageBy(1) },
    'page-up': { keys: ['PgUp'], text: 'a screen up', run: () => pageBy(-1) },
    merge: {
      keys: ['m'], label: 'Merge ↓', text: 'merge the pair with the next one',
      run: () => edit(() => { const r = needRow(); return r === null ? null : { op: 'merge', row: r }; },
        (req) => { cur.row = req.row; }, (req) => `Merged ${nth(req.row)} with the next pair.`),
    },
    'merge-prev': {
      keys: ['M'], label: 'Merge ↑', text: 'merge the pair with the previous one',
      run: () => edit(() => {
        const r = needRow();
        if (r === null) return null;
        if (r === 0) { say('The first pair has no previous pair.', 'error'); return null; }
        return { op: 'merge', row: r - 1 };
      }, (req) => { cur.row = req.row; }, (req) => `Merged ${nth(req.row + 1)} with the previous pair.`),
    },
    split: {
      keys: ['s'], label: 'Split',
      text: 'split the pair in two: before the focused sentence when it is not the first, else after the first sentence of each cell',
      run: () => edit(() => {
        const r = needRow();
        if (r === null) return null;
        const req = { op: 'split', row: r };
        if (cur.sent > 0) req.cuts = { [langs[cur.col]]: cur.sent };
        return req;
      }, (req) => { cur.row = Math.min(req.row + 1, S.rows.length - 1); cur.sent = 0; },
      (req) => `Split ${nth(req.row)} in two.`),
    },
    unpair: {
      keys: ['n'], label: 'No translation', text: 'unpair: each language’s sentences become a pair of their own (1-0, 0-1)',
      run: () => edit(() => { const r = needRow(); return r === null ? null : { op: 'unpair', row: r }; },
        (req) => { cur.row = req.row; }, (req) => `Unpaired ${nth(req.row)}.`),
    },
    'move-up': {
      keys: ['Alt+↑'], label: 'Move ↑', text: 'move the first sentence of the focused cell to the end of the pair above',
      run: () => moveSentenceOp('up'),
    },
    'move-down': {
      keys: ['Alt+↓'], label: 'Move ↓', text: 'move the last sentence of the focused cell to the start of the pair below',
      run: () => moveSentenceOp('down'),
    },
    edit: { keys: ['Enter'], label: 'Edit', text: 'edit the focused sentence’s text', run: () => openEditor() },
    'split-sentence': {
      keys: ['x'], label: 'Cut sentence', text: 'cut the focused sentence at its first clause point (the marks in the text)',
      run: () => {
        const t = needSentence();
        if (!t) return;
        const at = (t.sentence.splits || []).filter((k) => k > 0).sort((a, b) => a - b)[0];
        if (at === undefined) {
          say('This sentence has no clause point: press Enter and cut it at the caret with "Split here".', 'error');
          return;
        }
        splitSentenceAt(t, at);
      },
    },
    join: {
      keys: ['J'], label: 'Join', text: 'join the focused sentence with the next one (from the next pair when it is the last)',
      run: () => edit(() => {
        const t = needSentence();
        return t ? { op: 'join_sentences', row: t.row, lang: t.lang, index: t.index } : null;
      }, (req) => { cur.row = req.row; cur.sent = req.index; }, (req) => `Joined two ${req.lang} sentences.`),
    },
    confirm: {
      keys: ['c'], label: 'Confirm', text: 'confirm the pair (again: unconfirm); the cursor goes on to the next pair',
      run: () => edit(() => {
        const r = needRow();
        if (r === null) return null;
        return { op: S.rows[r].status === 'confirmed' ? 'unconfirm' : 'confirm', row: r };
      }, (req) => {
        cur.row = req.row;
        if (req.op === 'confirm') {
          const k = visIndex(req.row);
          if (k >= 0 && k + 1 < vis.length) cur.row = vis[k + 1];
          else if (k < 0 && vis.length) cur.row = vis[Math.min(lowerBound(req.row), vis.length - 1)];
          cur.sent = 0;
        }
      }, (req) => `${req.op === 'confirm' ? 'Confirmed' : 'Unconfirmed'} ${nth(req.row)}.`),
    },
    'confirm-above': {
      keys: ['C'], label: 'Confirm ↑', text: 'confirm every pair from the first to this one',
      run: () => edit(() => { const r = needRow(); return r === null ? null : { op: 'confirm_above', row: r }; },
        (req) => { cur.row = req.row; }, (req) => `Confirmed pairs 1 to ${req.row + 1}.`),
    },
    'prev-flag': { keys: ['F'], label: '◀ Flag', text: 'previous flagged or low-confidence pair', run: () => nextFlagged(-1) },
    'next-flag': { keys: ['f'], label: 'Flag ▶', text: 'next flagged or low-confidence (< 0.5) pair', run: () => nextFlagged(1) },
    realign: {
      keys: ['r'], label: 'Realign', text: 'align again between the fixed (confirmed or edited) pairs',
      run: () => history('realign'),
    },
    undo: {
      keys: ['Ctrl+Z'], label: 'Undo', text: 'undo the last edit',
      run: () => (S && S.can_undo ? history('undo') : say('Nothing to undo.')),
    },
    redo: {
      keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], label: 'Redo', text: 'redo',
      run: () => (S && S.can_redo ? history('redo') : say('Nothing to redo.')),
    },
    find: { keys: ['/'], text: 'filter by text', run: () => { const f = $('filter-text'); f.focus(); f.select(); } },
    help: { keys: ['?'], label: '?', text: 'show the keys', run: () => toggleHelp() },
    escape: { keys: ['Esc'], text: 'close a dialog; back to the pairs from a filter', run: () => focusRows() },
  };

  const TOOLBAR = [
    'merge', 'merge-prev', 'split', 'unpair', 'move-up', 'move-down', '|',
    'edit', 'split-sentence', 'join', '|',
    'confirm', 'confirm-above', '|', 'prev-flag', 'next-flag', '|', 'realign', 'undo', 'redo', '|', 'help',
  ];

  function moveSentenceOp(direction) {
    edit(() => {
      const r = needRow();
      if (r === null) return null;
      const lang = langs[cur.col];
      if (!(S.rows[r].cells[lang] || []).length) {
        say(`The ${lang} cell of this pair holds no sentence to move.`, 'error');
        return null;
      }
      return { op: 'move', row: r, lang, direction };
    }, (req, ans) => {
      // stay on the pair (to move more of its sentences); when it emptied, go to the one that got the sentence
      const vanished = ans.removed > ans.rows.length;
      cur.row = req.row;
      if (vanished && direction === 'up') cur.row = Math.max(0, req.row - 1);
      cur.row = Math.min(cur.row, S.rows.length - 1);
      if (direction === 'down' && !vanished) cur.sent = Math.max(0, (S.rows[cur.row].cells[req.lang] || []).length - 1);
      else cur.sent = 0;
    }, (req) => `Moved a ${req.lang} sentence of ${nth(req.row)} to the pair ${req.direction === 'up' ? 'above' : 'below'}.`);
  }

  function splitSentenceAt(t, at) {
    edit(() => ({ op: 'split_sentence', row: t.row, lang: t.lang, index: t.index, at }),
      (req) => { cur.row = req.row; cur.col = langs.indexOf(req.lang); cur.sent = req.index + 1; },
      (req) => `Cut the ${req.lang} sentence in two.`);
  }

  function buildToolbar() {
    const bar = $('toolbar');
    for (const id of TOOLBAR) {
      if (id === '|') {
        const sep = document.createElement('span');
        sep.className = 'sep';
        bar.appendChild(sep);
        continue;
      }
      const a = ACTIONS[id];
      const b = document.createElement('button');
      b.type = 'button';
      b.id = `btn-${id}`;
      b.dataset.action = id;
      b.title = `${a.text[0].toUpperCase()}${a.text.slice(1)} (${a.keys.join(' or ')})`;
      b.setAttribute('aria-keyshortcuts', a.keys.map(ariaKey).join(' '));
      b.appendChild(document.createTextNode(a.label || id));
      const k = document.createElement('kbd');
      k.textContent = a.keys[0];
      b.appendChild(k);
      b.addEventListener('click', () => {
        focusRows();
        a.run();
      });
      bar.appendChild(b);
    }
    const tbody = $('help-keys').tBodies[0];
    for (const a of Object.values(ACTIONS)) {
      const tr = document.createElement('tr');
      const keys = document.createElement('td');
      a.keys.forEach((key, i) => {
        if (i) keys.appendChild(document.createTextNode(' '));
        const kbd = document.createElement('kbd');
        kbd.textContent = key;
        keys.appendChild(kbd);
      });
      const what = document.createElement('td');
      what.textContent = a.text;
      tr.append(keys, what);
      tbody.appendChild(tr);
    }
    const extra = [
      ['click', 'select a pair, a sentence; double-click: edit it'],
      ['click a clause mark', 'cut the sentence there'],
      ['Enter, Ctrl+Enter', 'in the editor: save (Shift+Enter: new line; Alt+S: split at the caret; Esc: cancel)'],
    ];
    for (const [k, t] of extra) {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      a.textContent = k;
      const b = document.createElement('td');
      b.textContent = t;
      tr.append(a, b);
      tbody.appendChild(tr);
    }
  }

  function ariaKey(k) {
    return k.replace('↑', 'ArrowUp').replace('↓', 'ArrowDown').replace('←', 'ArrowLeft').replace('→', 'ArrowRight')
      .replace('Ctrl', 'Control').replace('Esc', 'Escape').replace('PgDn', 'PageDown').replace('PgUp', 'PageUp');
  }

  // ---- the keyboard ----------------------------------------------------------------------------
  function keyAction(e) {
    const k = e.key;
    if (e.ctrlKey || e.metaKey) {
      if (e.altKey) return null;
      const l = k.length === 1 ? k.toLowerCase() : k;
      if (l === 'z') return e.shiftKey ? 'redo' : 'undo';
      if (l === 'y') return 'redo';
      return null;
    }
    if (e.altKey) {
      if (k === 'ArrowUp') return 'move-up';
      if (k === 'ArrowDown') return 'move-down';
      return null;
    }
    switch (k) {
      case 'ArrowDown': return 'next';
      case 'ArrowUp': return 'prev';
      case 'ArrowLeft': return 'col-left';
      case 'ArrowRight': return 'col-right';
      case 'Home': return 'first';
      case 'End': return 'last';
      case 'PageDown': return 'page-down';
      case 'PageUp': return 'page-up';
      case 'Enter': return 'edit';
      case 'Escape': return 'escape';
      case '/': return 'find';
      case '?': return 'help';
      case 'Tab': {
        if (document.activeElement !== vp && document.activeElement !== body) return null;
        const n = currentCell().length;
        if (e.shiftKey) return cur.sent > 0 ? 'sent-prev' : null;
        return cur.sent < n - 1 ? 'sent-next' : null;
      }
      default: break;
    }
    if (k.length !== 1) return null;
    const l = k.toLowerCase();
    const shifted = k !== l || e.shiftKey;
    const plain = {
      j: 'next', k: 'prev', h: 'col-left', l: 'col-right', g: 'first', m: 'merge', s: 'split', n: 'unpair',
      x: 'split-sentence', c: 'confirm', f: 'next-flag', r: 'realign',
    };
    const shift = { j: 'join', m: 'merge-prev', c: 'confirm-above', f: 'prev-flag', g: 'last' };
    return shifted ? shift[l] || null : plain[l] || null;
  }

  document.addEventListener('keydown', (e) => {
    if (e.isComposing || e.keyCode === 229) return;
    if (!editorEl.hidden) { editorKey(e); return; }
    if (!helpEl.hidden) {
      if (e.key === 'Escape' || e.key === '?') { e.preventDefault(); toggleHelp(false); }
      return;
    }
    if (!S) return;
    const t = e.target;
    const tag = t && t.tagName;
    const typing = (tag === 'INPUT' && t.type !== 'checkbox') || tag === 'TEXTAREA' || tag === 'SELECT'
      || (t && t.isContentEditable);
    if (typing) {
      if (e.key === 'Escape' || (e.key === 'Enter' && t.id === 'filter-text')) {
        e.preventDefault();
        if (t.id === 'filter-text') applyFilters();
        focusRows();
      }
      return;
    }
    if ((tag === 'BUTTON' || tag === 'A' || tag === 'INPUT') && (e.key === 'Enter' || e.key === ' ')) return;
    const id = keyAction(e);
    if (!id) return;
    e.preventDefault();
    ACTIONS[id].run();
  });

  // ---- the mouse -------------------------------------------------------------------------------
  rowsEl.addEventListener('click', (e) => {
    const rowEl = e.target.closest('.row');
    if (!rowEl || !S) return;
    const r = Number(rowEl.dataset.row);
    const cell = e.target.closest('.cell');
    const sentence = e.target.closest('.sentence');
    const mark = e.target.closest('.clause');
    cur.row = r;
    if (cell) cur.col = Math.max(0, langs.indexOf(cell.dataset.lang));
    cur.sent = sentence ? Number(sentence.dataset.index) : 0;
    clampSentence();
    focusRows();
    show();
    if (mark && sentence) {
      const s = currentSentence();
      if (s) splitSentenceAt({ row: r, lang: langs[cur.col], index: cur.sent, sentence: s }, Number(mark.dataset.at));
    }
  });

  rowsEl.addEventListener('dblclick', (e) => {
    if (e.target.closest('.sentence') && !e.target.closest('.clause')) openEditor();
  });

  // ---- the sentence editor ---------------------------------------------------------------------
  function openEditor() {
    const t = needSentence();
    if (!t) return;
    editing = { rowObj: S.rows[t.row], lang: t.lang, index: t.index, original: t.sentence.text };
    editorText.value = t.sentence.text;
    editorText.lang = t.lang;
    $('editor-where').textContent = `${nth(t.row)}, ${t.lang} sentence ${t.index + 1}${t.sentence.where ? ` — ${t.sentence.where}` : ''}`;
    editorEl.hidden = false;
    editorText.focus();
    editorText.setSelectionRange(editorText.value.length, editorText.value.length);
  }

  function closeEditor() {
    editorEl.hidden = true;
    editing = null;
    focusRows();
  }

  /* Where the sentence being edited is now (rows may have moved since the editor opened). */
  function editedRow() {
    const r = S.rows.indexOf(editing.rowObj);
    if (r < 0) say('The pair changed while the editor was open: open the editor again.', 'error');
    return r;
  }

  function saveEditor() {
    if (!editing) return;
    const text = editorText.value;
    const e = editing;
    closeEditor();
    if (text === e.original) return;
    edit(() => {
      const r = S.rows.indexOf(e.rowObj);
      if (r < 0) { say('The pair changed while the editor was open: edit it again.', 'error'); return null; }
      return { op: 'set_text', row: r, lang: e.lang, index: e.index, text };
    }, (req) => { cur.row = req.row; cur.col = langs.indexOf(req.lang); cur.sent = req.index; },
    (req) => `Changed the text of a ${req.lang} sentence of ${nth(req.row)}.`);
  }

  function splitInEditor() {
    if (!editing) return;
    const text = editorText.value;
    const caret = editorText.selectionStart;
    const at = codePointIndex(text, caret);
    const length = codePointIndex(text, text.length);
    if (!(at > 0 && at < length)) {
      say('Put the caret inside the sentence, where it should be cut.', 'error');
      editorText.focus();
      return;
    }
    const e = editing;
    if (editedRow() < 0) return;
    closeEditor();
    if (text !== e.original) {
      edit(() => {
        const r = S.rows.indexOf(e.rowObj);
        return r < 0 ? null : { op: 'set_text', row: r, lang: e.lang, index: e.index, text };
      }, (req) => {
        e.rowObj = S.rows[req.row];
        cur.row = req.row;
      });
    }
    edit(() => {
      const r = S.rows.indexOf(e.rowObj);
      if (r < 0) { say('The pair changed: cut the sentence again.', 'error'); return null; }
      return { op: 'split_sentence', row: r, lang: e.lang, index: e.index, at };
    }, (req) => { cur.row = req.row; cur.col = langs.indexOf(req.lang); cur.sent = req.index + 1; },
    (req) => `Cut the ${req.lang} sentence in two.`);
  }

  function editorKey(e) {
    if (e.key === 'Escape') { e.preventDefault(); closeEditor(); return; }
    if (e.key === 'Enter' && !e.shiftKey && e.target === editorText) { e.preventDefault(); saveEditor(); return; }
    if (e.altKey && (e.key === 's' || e.key === 'S' || e.code === 'KeyS')) { e.preventDefault(); splitInEditor(); }
  }

  $('editor-save').addEventListener('click', saveEditor);
  $('editor-split').addEventListener('click', splitInEditor);
  $('editor-cancel').addEventListener('click', closeEditor);
  editorEl.addEventListener('mousedown', (e) => { if (e.target === editorEl) closeEditor(); });

  // ---- help ------------------------------------------------------------------------------------
  function toggleHelp(open) {
    const show = open === undefined ? helpEl.hidden : open;
    helpEl.hidden = !show;
    if (show) {
      const panel = $('help-panel');
      panel.scrollTop = 0;
      panel.focus({ preventScroll: true });
    } else {
      focusRows();
    }
  }
  $('help-close').addEventListener('click', () => toggleHelp(false));
  helpEl.addEventListener('mousedown', (e) => { if (e.target === helpEl) toggleHelp(false); });

  // ---- filters, documents, export --------------------------------------------------------------
  function applyFilters() {
    if (!S) return;
    filters.text = $('filter-text').value.trim().toLowerCase();
    filters.flag = $('filter-flag').value;
    const c = $('filter-confidence').value;
    filters.conf = c === '' ? null : Number(c);
    filters.status = $('filter-status').value;
    const before = cur.row;
    refilter();
    if (cur.row !== before) cur.sent = 0;
    vp.scrollTop = 0;
    show();
    body.dataset.filtered = String(vis.length);
  }

  let filterTimer = 0;
  $('filter-text').addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(applyFilters, 120);
  });
  for (const id of ['filter-flag', 'filter-confidence', 'filter-status']) $(id).addEventListener('change', applyFilters);
  $('filter-clear').addEventListener('click', () => {
    $('filter-text').value = '';
    $('filter-flag').value = '';
    $('filter-confidence').value = '';
    $('filter-status').value = '';
    applyFilters();
    focusRows();
  });
  $('export-confirmed').addEventListener('change', updateExport);
  $('doc-select').addEventListener('change', (e) => {
    const id = Number(e.target.value);
    generation += 1;
    enqueue(async () => {
      await loadState(id, false);
      say(`Opened ${S.name || 'the document'}.`);
    });
    focusRows();
  });

  window.aligntmReview = {
    state: () => S,
    cursor: () => Object.assign({}, cur),
    visible: () => Array.from(vis),
    render: () => render(),
  };

  buildToolbar();
  vp.focus({ preventScroll: true });
  start();
})();
