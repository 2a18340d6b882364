"""The style sheet and scripts of the HTML report, inlined into every page (no network, no files
beside the report). Kept as Python strings so that they ship with the package like its code.

The pairs table is drawn by PAGE_SCRIPT from the JSON embedded in the page, one page of rows at
a time, so that 10,000 pairs open as fast as 100. The page records script errors and the end of
rendering in <div id="status">, which the tests read from a headless browser.
"""

# Runs first, in <head>: counts errors of every later script into #status.
ERROR_CATCHER = """
window.__qaErrors = [];
window.addEventListener('error', function (e) {
  window.__qaErrors.push(String(e.message || e));
  var s = document.getElementById('status');
  if (s) { s.setAttribute('data-errors', window.__qaErrors.length); s.setAttribute('data-messages', window.__qaErrors.join(' | ')); }
});
"""

STYLE = """
:root { --fg: #1d1d1f; --muted: #666; --line: #ddd; --bg-soft: #f6f7f9; --accent: #0b62a4; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP",
       "Hiragino Sans", "Yu Gothic", "IPAGothic", sans-serif; color: var(--fg); background: #fff; }
header { padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--bg-soft); }
header h1 { margin: 0; font-size: 20px; }
header .inputs { margin: 2px 0 0; color: var(--muted); font-size: 12px; word-break: break-all; }
header nav a { margin-right: 14px; }
main { padding: 0 20px 40px; }
h2 { font-size: 17px; margin: 22px 0 8px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; background: #fff; }
.card .value { font-size: 20px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12px; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table.figures { border-collapse: collapse; font-size: 13px; }
table.figures th, table.figures td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: right; }
table.figures th:first-child, table.figures td:first-child { text-align: left; }
table.figures thead th { background: var(--bg-soft); }
.scroll { max-height: 420px; overflow: auto; display: inline-block; border-bottom: 1px solid var(--line); }
.scroll thead th { position: sticky; top: 0; }
.flag-kinds { list-style: none; padding: 0; margin: 0; font-size: 13px; }
.flag-kinds li { margin: 3px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px; vertical-align: baseline; }
.doc { border-top: 1px solid var(--line); margin-top: 10px; }
.doc > summary { cursor: pointer; padding: 8px 0; font-size: 15px; font-weight: 600; }
.doc .meta { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
.plots { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.hists { display: flex; flex-direction: column; gap: 6px; }
.legend { font-size: 12px; color: var(--muted); margin: 4px 0 8px; }
.legend span { margin-right: 12px; white-space: nowrap; }
.notes { font-size: 13px; margin: 6px 0; padding-left: 18px; }
.notes li { margin: 2px 0; }
svg text { font-family: inherit; }
.svg-title { font-size: 11px; font-weight: 600; fill: #333; }
.svg-axis { font-size: 10px; fill: #777; }
.svg-frame { fill: #fcfcfd; stroke: #bbb; }
.svg-grid { stroke: #eee; stroke-width: 0.5; fill: none; }
.svg-path, .svg-gold { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
.svg-disagree { fill: none; stroke-width: 6; stroke-opacity: 0.45; stroke-linecap: round; }
.svg-anchor { fill: none; stroke-width: 3.5; stroke-linecap: round; }
.svg-flag { stroke: #fff; stroke-width: 1; cursor: pointer; }
.svg-bar { fill: #7aa6c9; }
.svg-bar-low { fill: #e5735f; }
.svg-axis-line { stroke: #999; }
.svg-mark { stroke: #d62728; stroke-dasharray: 3 2; }
.svg-mark-label { font-size: 9px; fill: #d62728; }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; padding: 8px 0; position: sticky; top: 0;
            background: #fff; z-index: 2; border-bottom: 1px solid var(--line); }
.controls label { font-size: 13px; }
.controls select, .controls input, .controls button { font: inherit; font-size: 13px; }
.pager { margin-left: auto; font-size: 13px; }
table.pairs { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 13px; }
table.pairs th { text-align: left; background: var(--bg-soft); padding: 4px 6px; border-bottom: 1px solid var(--line); }
table.pairs td { padding: 4px 6px; border-bottom: 1px solid #eee; vertical-align: top; overflow-wrap: anywhere; }
table.pairs tr.flagged td:first-child { box-shadow: inset 3px 0 0 #d62728; }
table.pairs tr.target td { outline: 2px solid var(--accent); background: #eef5fc; }
table.pairs col.c-n { width: 4.5em; } table.pairs col.c-bead { width: 8em; } table.pairs col.c-conf { width: 4.5em; }
table.pairs col.c-flags { width: 22%; } table.pairs col.c-gold { width: 9em; } table.pairs col.c-chrf { width: 4em; }
td.conf { font-variant-numeric: tabular-nums; text-align: right; }
td.bead { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; color: #444; }
td.bead .doc-name { display: block; font-family: inherit; color: var(--muted); font-size: 11px; }
td .loc { display: block; color: var(--muted); font-size: 11px; margin-top: 2px; }
.chip { display: block; border-left: 4px solid #999; padding: 1px 5px; margin: 0 0 3px; background: var(--bg-soft); font-size: 12px; }
.gold-exact { color: #2a7a2a; } .gold-partial { color: #b26a00; } .gold-wrong { color: #c62828; font-weight: 600; }
.gold-note { display: block; color: var(--muted); font-size: 11px; }
.conf-scale { display: inline-block; width: 120px; height: 10px; vertical-align: middle;
              background: linear-gradient(to right, hsl(0,75%,80%), hsl(60,75%,80%), hsl(120,75%,80%)); }
.empty { color: var(--muted); padding: 12px; }
"""

PAGE_SCRIPT = r"""
(function () {
  'use strict';
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var status = document.getElementById('status');
  var PAGE = 100;
  var rows = [], byId = new Map();
  data.docs.forEach(function (d, di) {
    d.pairs.forEach(function (p) {
      byId.set('pair-' + d.id + '-' + p.n, rows.length);
      rows.push({d: di, p: p, text: null});
    });
  });
  var state = {doc: '', show: 'all', kind: '', q: '', page: 0};
  var view = [];
  var el = function (id) { return document.getElementById(id); };
  var tbody = el('pair-rows'), pager = el('pager-text');

  function matches(r) {
    var p = r.p;
    if (state.doc !== '' && String(r.d) !== state.doc) return false;
    if (state.show === 'flagged' && !p.f.length) return false;
    if (state.show === 'gold' && (!p.g || p.g === 'exact')) return false;
    if (state.kind && !p.f.some(function (f) { return f[0] === state.kind; })) return false;
    if (state.q) {
      if (r.text === null) r.text = (p.a + '\n' + p.b).toLowerCase();
      if (r.text.indexOf(state.q) < 0) return false;
    }
    return true;
  }
  function refilter() {
    view = [];
    for (var i = 0; i < rows.length; i++) if (matches(rows[i])) view.push(i);
    state.page = 0;
  }
  function confColour(c) {
    var h = Math.round(120 * Math.max(0, Math.min(1, (c - 0.5) / 0.5)));
    return 'hsl(' + h + ',75%,85%)';
  }
  function cell(tr, cls, text) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    if (text !== undefined) td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function place(td, where) {
    if (!where) return;
    var s = document.createElement('span'); s.className = 'loc'; s.textContent = where; td.appendChild(s);
  }
  function beadText(src, tgt) { return '[' + src.join(', ') + ']:[' + tgt.join(', ') + ']'; }
  function renderRow(r) {
    var p = r.p, d = data.docs[r.d];
    var tr = document.createElement('tr');
    tr.id = 'pair-' + d.id + '-' + p.n;
    if (p.f.length) tr.className = 'flagged';
    var n = cell(tr, 'n');
    var a = document.createElement('a');
    a.href = '#' + tr.id; a.textContent = '#' + p.n;
    n.appendChild(a);
    var bead = cell(tr, 'bead', beadText(p.s, p.t) + ' ' + p.s.length + '-' + p.t.length);
    if (data.docs.length > 1) {
      var dn = document.createElement('span'); dn.className = 'doc-name'; dn.textContent = d.name; bead.appendChild(dn);
    }
    var conf = cell(tr, 'conf', p.c.toFixed(2));
    conf.style.background = confColour(p.c);
    place(cell(tr, 'src', p.a), p.la);
    place(cell(tr, 'tgt', p.b), p.lb);
    if (data.has_mt) cell(tr, 'conf', p.m === null ? '' : p.m.toFixed(0));
    var flags = cell(tr, 'flags');
    p.f.forEach(function (f) {
      var chip = document.createElement('span');
      chip.className = 'chip';
      chip.style.borderLeftColor = data.colours[f[0]] || '#999';
      chip.textContent = f[0] + ': ' + f[1];
      flags.appendChild(chip);
    });
    if (data.has_gold) {
      var g = cell(tr, 'gold');
      var s = document.createElement('span');
      s.className = 'gold-' + p.g; s.textContent = p.g === 'exact' ? 'in gold' : p.g === 'partial' ? 'partly in gold' : 'not in gold';
      g.appendChild(s);
      if (p.o && p.o.length) {
        var note = document.createElement('span'); note.className = 'gold-note';
        note.textContent = 'gold: ' + p.o.map(function (b) { return beadText(b[0], b[1]); }).join(' ');
        g.appendChild(note);
      }
    }
    return tr;
  }
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    state.page = Math.max(0, Math.min(state.page, pages - 1));
    var start = state.page * PAGE, end = Math.min(view.length, start + PAGE);
    var frag = document.createDocumentFragment();
    for (var i = start; i < end; i++) frag.appendChild(renderRow(rows[view[i]]));
    tbody.textContent = '';
    tbody.appendChild(frag);
    el('pairs-empty').hidden = view.length > 0;
    pager.textContent = view.length ? ((start + 1) + '–' + end + ' of ' + view.length + ' pairs · page ' +
      (state.page + 1) + ' of ' + pages) : '0 pairs';
    el('prev').disabled = state.page === 0;
    el('next').disabled = state.page >= pages - 1;
  }
  function syncControls() {
    el('f-doc').value = state.doc; el('f-show').value = state.show; el('f-kind').value = state.kind; el('f-q').value = state.q;
  }
  function goTo(id) {
    var idx = byId.get(id);
    if (idx === undefined) return false;
    if (!matches(rows[idx])) { state.doc = ''; state.show = 'all'; state.kind = ''; state.q = ''; syncControls(); refilter(); }
    var at = view.indexOf(idx);
    state.page = Math.floor(at / PAGE);
    render();
    var tr = document.getElementById(id);
    if (tr) { tr.classList.add('target'); tr.scrollIntoView({block: 'center'}); }
    return true;
  }
  function onHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf('pair-') === 0) goTo(id);
    else if (id.indexOf('doc-') === 0) {
      var section = document.getElementById(id);
      if (section && section.tagName === 'DETAILS') { section.open = true; section.scrollIntoView(); }
    }
  }

  el('f-doc').addEventListener('change', function (e) { state.doc = e.target.value; refilter(); render(); });
  el('f-show').addEventListener('change', function (e) { state.show = e.target.value; refilter(); render(); });
  el('f-kind').addEventListener('change', function (e) { state.kind = e.target.value; refilter(); render(); });
  var timer = null;
  el('f-q').addEventListener('input', function (e) {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = e.target.value.trim().toLowerCase(); refilter(); render(); }, 150);
  });
  el('prev').addEventListener('click', function () { state.page--; render(); });
  el('next').addEventListener('click', function () { state.page++; render(); });
  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a') : null;
    if (!a) return;
    var kind = a.getAttribute('data-kind'), doc = a.getAttribute('data-doc'), show = a.getAttribute('data-show');
    if (kind !== null || doc !== null || show !== null) {
      state.kind = kind || ''; state.doc = doc || ''; state.show = show || (kind ? 'flagged' : 'all'); state.q = '';
      syncControls(); refilter(); render();
      return;
    }
    var href = a.getAttribute('href') || '';
    if (href.indexOf('#pair-') === 0 && decodeURIComponent(href.slice(1)) === decodeURIComponent(location.hash.slice(1))) {
      e.preventDefault(); goTo(decodeURIComponent(href.slice(1)));  // same hash again: no hashchange event
    }
  });
  window.addEventListener('hashchange', onHash);

  refilter();
  render();
  if (location.hash) onHash();
  status.setAttribute('data-rendered', '1');
  status.setAttribute('data-pairs', String(rows.length));
  status.setAttribute('data-rows', String(tbody.rows.length));
  status.setAttribute('data-ms', String(Math.round(performance.now() - t0)));
  status.setAttribute('data-errors', String(window.__qaErrors.length));
})();
"""
