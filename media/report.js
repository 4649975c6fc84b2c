// ParaForge evidence report (webview script). Builds the page from the report the extension posts,
// with DOM calls only (no innerHTML: every string may come from the user's code or a compiler).
// The chart is an SVG generated here; colours come from the theme's CSS variables (report.css).
// Messages in: {type:'report', report, applicable, reason}, {type:'state', applicable, reason},
// {type:'test-click', target}. Messages out: ready, rendered, apply, reveal, export.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const root = document.getElementById('report');
  let current = vscode.getState() || null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function basename(p) {
    return String(p).split(/[\\/]/).pop();
  }

  /** Text with `code` spans (descriptions, reasons) as text and <code> nodes. */
  function rich(text) {
    return String(text).split(/`([^`]*)`/).map((part, i) => (i % 2 ? el('code', {}, part) : part));
  }

  function section(title, id, ...body) {
    return el('section', { id }, el('h2', {}, title), ...body);
  }

  function table(headers, rows, cls) {
    return el('table', { class: cls },
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((r) => el('tr', { class: r.cls }, r.cells.map((c) => el('td', {}, c))))));
  }

  function verdictBadge(verdict) {
    const label = verdict ? verdict.toUpperCase() : 'NOT VERIFIED';
    const cls = verdict === 'verified' ? 'ok' : verdict ? 'bad' : 'warn';
    return el('span', { class: `badge ${cls}`, id: 'verdict' }, verdict === 'verified' ? '✔ ' : '✖ ', label);
  }

  function diffView(diff) {
    const pre = el('pre', { class: 'diff', id: 'diff' });
    for (const line of String(diff || '').split('\n')) {
      const cls = line.startsWith('+++') || line.startsWith('---') ? 'meta' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
      pre.append(el('span', { class: `line ${cls}` }, line || ' '), '\n');
    }
    return pre;
  }

  function reveal(file, line) {
    vscode.postMessage({ type: 'reveal', file, line });
  }

  /** Speedup (left axis) and efficiency (right axis, %) over thread or rank counts, with the ideal line. */
  function chart(timings) {
    const unit = timings[0].ranks !== undefined ? 'ranks' : 'threads';
    const pts = timings.map((t) => ({ x: t.ranks ?? t.threads ?? 1, s: t.speedup, e: t.efficiency })).sort((a, b) => a.x - b.x);
    const W = 560, H = 300, L = 52, R = 56, T = 24, B = 44;
    const maxX = Math.max(...pts.map((p) => p.x), 1);
    // Round the axis up to whole steps so the ticks read 0, 4, 8, … rather than 3.5, 6.9, …
    const rawMax = Math.max(maxX, ...pts.map((p) => p.s), 1) * 1.05;
    const step = rawMax <= 5 ? 1 : Math.ceil(rawMax / 5);
    const maxY = step * Math.ceil(rawMax / step);
    const xs = (x) => L + ((W - L - R) * (x - 1)) / Math.max(1, maxX - 1) + (maxX === 1 ? (W - L - R) / 2 : 0);
    const ys = (y) => H - B - ((H - T - B) * y) / maxY;
    const ye = (e) => H - B - (H - T - B) * Math.min(1.2, e) / 1.2;
    const g = svg('svg', { id: 'chart', class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Speedup and efficiency over ${unit}` });
    g.append(svg('title', {}, `Speedup and parallel efficiency over ${unit}`));
    // Axes and grid.
    for (let v = 0; v <= maxY; v += step) {
      g.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: ys(v), y2: ys(v) }));
      g.append(svg('text', { class: 'tick', x: L - 6, y: ys(v) + 4, 'text-anchor': 'end' }, v));
    }
    for (const e of [0, 0.25, 0.5, 0.75, 1]) g.append(svg('text', { class: 'tick eff', x: W - R + 6, y: ye(e) + 4 }, `${Math.round(e * 100)}%`));
    for (const p of pts) g.append(svg('text', { class: 'tick', x: xs(p.x), y: H - B + 16, 'text-anchor': 'middle' }, p.x));
    g.append(svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
    g.append(svg('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }));
    g.append(svg('text', { class: 'label', x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle' }, unit));
    g.append(svg('text', { class: 'label', x: 14, y: (T + H - B) / 2, transform: `rotate(-90 14 ${(T + H - B) / 2})`, 'text-anchor': 'middle' }, 'speedup ×'));
    g.append(svg('text', { class: 'label eff', x: W - 12, y: (T + H - B) / 2, transform: `rotate(90 ${W - 12} ${(T + H - B) / 2})`, 'text-anchor': 'middle' }, 'efficiency'));
    // Ideal (linear) speedup, measured speedup, efficiency.
    g.append(svg('polyline', { class: 'ideal', points: pts.map((p) => `${xs(p.x)},${ys(p.x)}`).join(' ') }));
    g.append(svg('polyline', { class: 'speedup', points: pts.map((p) => `${xs(p.x)},${ys(p.s)}`).join(' ') }));
    g.append(svg('polyline', { class: 'efficiency', points: pts.map((p) => `${xs(p.x)},${ye(p.e)}`).join(' ') }));
    for (const p of pts) {
      g.append(svg('circle', { class: 'speedup-pt', cx: xs(p.x), cy: ys(p.s), r: 4 }, svg('title', {}, `${p.x} ${unit}: ${p.s.toFixed(2)}× speedup`)));
      g.append(svg('rect', { class: 'efficiency-pt', x: xs(p.x) - 3, y: ye(p.e) - 3, width: 6, height: 6 }, svg('title', {}, `${p.x} ${unit}: ${(p.e * 100).toFixed(0)}% efficiency`)));
    }
    const legend = el('div', { class: 'legend' },
      el('span', { class: 'key speedup' }, 'speedup'), el('span', { class: 'key ideal' }, 'ideal'), el('span', { class: 'key efficiency' }, 'efficiency'));
    return el('figure', {}, g, legend);
  }

  function lineage(entries, currentId) {
    const byParent = new Map();
    for (const e of entries) {
      const k = e.parent && entries.some((x) => x.id === e.parent) ? e.parent : '';
      if (!byParent.has(k)) byParent.set(k, []);
      byParent.get(k).push(e);
    }
    const list = (parent) => el('ul', { class: 'tree' }, (byParent.get(parent) || []).map((e) =>
      el('li', { class: e.id === currentId ? 'current' : '' },
        el('code', {}, e.id), ' ', el('span', { class: `badge small ${e.verdict === 'verified' ? 'ok' : 'bad'}` }, e.verdict),
        ` ${e.origin}${e.operator ? ` · ${e.operator}` : ''}${e.generation !== undefined ? ` · gen ${e.generation}` : ''} · fitness ${Number(e.fitness).toFixed(3)}`,
        byParent.has(e.id) ? list(e.id) : '')));
    return list('');
  }

  function extraValue(v) {
    if (v === null || typeof v !== 'object') return String(v);
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(', ');
    return el('pre', { class: 'json' }, JSON.stringify(v, null, 2));
  }

  const KNOWN = new Set(['candidateId', 'verdict', 'summary', 'target', 'tests', 'races', 'timings', 'toolchain', 'backend', 'log',
    'staticFindings', 'preExisting', 'checkedAt', 'raceCheckedAt', 'compared', 'leftOut', 'tolerance']);

  function lineLink(file, line) {
    return el('a', { href: '#', class: 'loc', onclick: (e) => { e.preventDefault(); reveal(file, line); } }, `line ${line}`);
  }

  /** What the runner checked and how: thread counts, compared outputs, tolerance, static checks, issues the original already had. */
  function checks(ev, file) {
    const rows = [];
    if (ev.checkedAt && ev.checkedAt.length) rows.push(['outputs compared at', `${ev.checkedAt.join(', ')} ${ev.target === 'mpi' ? 'ranks' : 'threads'}`]);
    if (ev.raceCheckedAt && ev.raceCheckedAt.length) rows.push(['race-checked at', `${ev.raceCheckedAt.join(', ')} threads`]);
    if (ev.compared && ev.compared.length) rows.push(['compared', ev.compared.join(', ')]);
    if (ev.leftOut && ev.leftOut.length) rows.push(['left out of the comparison', ev.leftOut.join(', ')]);
    if (ev.tolerance) rows.push(['tolerance', `relative ${ev.tolerance.relative} — ${ev.tolerance.reason}${ev.tolerance.appliesTo ? ` (${ev.tolerance.appliesTo})` : ''}`]);
    const parts = [];
    if (rows.length) parts.push(el('dl', {}, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, rich(v))])));
    if (ev.staticFindings && ev.staticFindings.length) {
      parts.push(el('h3', {}, 'Static checks of the candidate'), el('ul', { id: 'static-findings' }, ev.staticFindings.map((f) => el('li', { class: 'fail-text' }, `${f.check}: `, rich(f.message), f.line ? [' (', `candidate line ${f.line}`, ')'] : ''))));
    }
    if (ev.preExisting && ev.preExisting.length) {
      parts.push(el('h3', {}, 'Already in the original (not caused by this rewrite)'), el('ul', { id: 'pre-existing' }, ev.preExisting.map((p) => el('li', {}, `${p.kind}: `, rich(p.message), ' ', (p.lines || []).map((l, i) => [i ? ', ' : '', lineLink(file, l)])))));
    }
    return parts.length ? section('What was checked', 'checks', ...parts) : '';
  }

  function render(state) {
    const { report, applicable, reason } = state;
    const ev = report.evidence;
    const c = report.candidate;
    const parts = [];
    parts.push(el('header', {},
      el('h1', {}, `${basename(report.file)} — ${c.target} candidate`),
      el('p', { class: 'summary' }, verdictBadge(ev && ev.verdict), ' ', rich(ev ? ev.summary : `Not run: ${report.notRunBecause || 'no evidence'}`)),
      el('div', { class: 'actions' },
        el('button', { id: 'apply', disabled: !applicable, title: applicable ? 'Apply this rewrite to the document' : reason, onclick: () => vscode.postMessage({ type: 'apply', id: c.id }) },
          ev && ev.verdict === 'verified' ? 'Apply' : 'Apply (not verified)…'),
        el('button', { id: 'export-json', class: 'secondary', onclick: () => vscode.postMessage({ type: 'export', id: c.id, format: 'json' }) }, 'Export JSON'),
        el('button', { id: 'export-md', class: 'secondary', onclick: () => vscode.postMessage({ type: 'export', id: c.id, format: 'markdown' }) }, 'Export Markdown')),
      applicable ? '' : el('p', { class: 'muted', id: 'not-applicable' }, reason || '')));
    parts.push(section('Candidate', 'candidate', el('dl', {},
      el('dt', {}, 'Change'), el('dd', {}, rich(c.description)),
      c.functionName ? [el('dt', {}, 'Function'), el('dd', {}, el('code', {}, c.functionName))] : '',
      c.assumptions && c.assumptions.length ? [el('dt', {}, 'Assumes'), el('dd', { class: 'warn-text' }, rich(c.assumptions.join('; ')))] : '',
      el('dt', {}, 'Engine'), el('dd', {}, `${report.engine}${c.operator ? ` · ${c.operator}` : ''}`),
      el('dt', {}, 'Id'), el('dd', {}, el('code', {}, c.id)),
      el('dt', {}, 'Document'), el('dd', {}, `${report.file} (version ${report.documentVersion ?? '?'})`))));
    parts.push(section('Diff', 'diff-section', diffView(report.diff)));
    if (ev) {
      if (ev.timings && ev.timings.length) parts.push(section('Speedup and efficiency', 'timings', chart(ev.timings),
        table([ev.timings[0].ranks !== undefined ? 'ranks' : 'threads', 'median s', 'min s', 'max s', 'runs', 'speedup', 'efficiency'],
          ev.timings.map((t) => ({ cells: [t.ranks ?? t.threads ?? 1, t.medianSeconds.toFixed(4), t.minSeconds.toFixed(4), t.maxSeconds.toFixed(4), t.runs, `${t.speedup.toFixed(2)}×`, `${(t.efficiency * 100).toFixed(0)}%`] }))),
        ev.toolchain && ev.toolchain.baselineSeconds ? el('p', { class: 'muted' }, `Speedup against the original's serial median of ${ev.toolchain.baselineSeconds} s.`) : ''));
      parts.push(checks(ev, report.file));
      parts.push(section(`Tests (${ev.tests.filter((t) => t.passed).length}/${ev.tests.length} passed)`, 'tests',
        ev.tests.length ? table(['test', 'seed', 'sizes', 'inputs', 'threads / ranks', 'result', 'first difference'],
          ev.tests.map((t) => ({ cls: t.passed ? '' : 'fail', cells: [t.name, t.seed, Object.entries(t.sizes || {}).map(([k, v]) => `${k}=${v}`).join(' '), t.inputs || '', t.ranks !== undefined ? `${t.ranks} ranks` : `${t.threads ?? 1} threads`, t.passed ? '✔ pass' : '✖ FAIL', t.firstDifference || ''] }))) : el('p', { class: 'muted' }, 'No differential tests ran.')));
      parts.push(section(`Races (${ev.races.length})`, 'races', ev.races.length ? el('ul', {}, ev.races.map((r) => el('li', {},
        `${r.kind} race${r.variable ? ` on ${r.variable}` : ''} (${r.tool}): `,
        r.locations.map((l, i) => [i ? ', ' : '', el('a', { href: '#', class: 'loc', onclick: (e) => { e.preventDefault(); reveal(l.file, l.line); } }, `${basename(l.file)}:${l.line}`), ` ${l.access}`]),
        el('details', {}, el('summary', {}, 'report'), el('pre', {}, r.raw))))) : el('p', { class: 'muted' }, `No race found${ev.toolchain && ev.toolchain.raceChecker ? ` by ${ev.toolchain.raceChecker}` : ''}.`)));
      const extra = Object.entries(ev).filter(([k, v]) => !KNOWN.has(k) && v !== undefined && v !== null);
      parts.push(section('Toolchain and backend', 'toolchain', el('dl', {},
        el('dt', {}, 'backend'), el('dd', {}, ev.backend),
        Object.entries(ev.toolchain || {}).map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
        extra.map(([k, v]) => [el('dt', {}, k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()), el('dd', {}, extraValue(v))]))));
      if (ev.log && ev.log.trim()) parts.push(el('details', { open: ev.verdict !== 'verified' }, el('summary', {}, 'Log'), el('pre', { class: 'log' }, ev.log)));
    }
    if (report.lineage && report.lineage.length) parts.push(section('Evolve lineage', 'lineage', lineage(report.lineage, c.id)));
    root.replaceChildren(...parts);
    vscode.postMessage({ type: 'rendered', id: c.id, chart: !!document.getElementById('chart'), sections: [...root.querySelectorAll('section')].map((s) => s.id), applicable: !!applicable });
  }

  window.addEventListener('message', (event) => {
    const msg = event.data || {};
    if (msg.type === 'report') {
      current = { report: msg.report, applicable: msg.applicable, reason: msg.reason };
      vscode.setState(current);
      render(current);
    } else if (msg.type === 'state' && current) {
      current = { ...current, applicable: msg.applicable, reason: msg.reason };
      vscode.setState(current);
      render(current);
    } else if (msg.type === 'test-click') {
      // Integration tests press a button the way a user would, through the page's own handler.
      const button = document.getElementById(msg.target);
      if (button) button.click();
    }
  });
  if (current) render(current);
  vscode.postMessage({ type: 'ready' });
})();
