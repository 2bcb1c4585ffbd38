// The hub dashboard's script: draws the summary the hub computed (pools, states), pages through the expiring table
// (sorting and filtering are done by the hub, so a fleet of any size sends one page), and follows the hub's event
// stream. No library, nothing fetched from anywhere but this hub.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const PAGE = 50;
  const table = { sort: 'daysLeft', dir: 'asc', q: '', days: 30, offset: 0 };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // A machine as the page names it: its host name and, in brackets, its agent id (what ctl --target takes); the id
  // alone when it reported no host name.
  function named(hostName, agentId) {
    return hostName ? hostName + ' (' + agentId + ')' : agentId;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function getJson(url) {
    return fetch(url, { credentials: 'same-origin' }).then(r => {
      if (r.status === 401) { location.href = '/login'; throw new Error('signed out'); }
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }
  function day(iso) { return iso ? iso.substring(0, 10) : ''; }
  function n(x) { return Number(x).toLocaleString('en'); }

  function drawPools(pools) {
    const box = document.getElementById('pools');
    box.replaceChildren();
    if (pools.length === 0) {
      box.append(el('p', { class: 'hint', id: 'no-pools' }, 'No agent in the fleet plays the KMS host role.'));
      return;
    }
    pools.forEach(p => {
      const id = 'pool-' + p.host + '-' + p.applicationId;
      const div = el('div', { class: 'pool', id: id });
      // The KMS host by name and agent id: two hosts of one name are told apart, and ctl --target takes the id.
      div.append(el('h3', {}, p.family + ' pool on ' + named(p.hostName, p.host) + ': count ' + p.count));
      const top = Math.max(p.count, ...p.thresholds.map(t => t.required), 1) * 1.15;
      const W = 640, H = 46, L = 8, R = 20, scale = x => L + (W - L - R) * x / top;
      const chart = svg('svg', { class: 'chart pool-chart', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H,
        role: 'img', 'aria-label': p.family + ' count ' + p.count, 'data-pool': p.applicationId, 'data-host': p.host });
      chart.append(svg('line', { class: 'axis', x1: L, x2: W - R, y1: 30, y2: 30 }));
      chart.append(svg('rect', { class: 'bar', x: L, y: 12, height: 18, width: Math.max(1, scale(p.count) - L),
        'data-series': 'count', 'data-value': p.count }));
      p.thresholds.forEach(t => {
        const x = scale(t.required);
        chart.append(svg('line', { class: 'threshold' + (t.met ? ' met' : ''), x1: x, x2: x, y1: 6, y2: 36,
          'data-series': 'threshold', 'data-threshold-class': t.thresholdClass, 'data-value': t.required }));
        chart.append(svg('text', { x: x + 3, y: 44 }, t.thresholdClass + ' ' + t.required));
      });
      div.append(chart);
      p.thresholds.forEach(t => {
        let text = t.thresholdClass + ' (' + t.required + '): ';
        if (t.met) {
          text += 'met; ' + (t.crossesAt ? 'drops below on ' + day(t.crossesAt) + ' unless clients renew'
            : 'stays met');
        } else {
          text += 'needs ' + (t.required - t.count) + ' more; ' + (t.crossesAt ? 'reached on ' + day(t.crossesAt)
            + ' at ' + t.arrivalsPerDay.toFixed(2) + ' new machines a day' : 'not reached at the arrivals seen');
        }
        div.append(el('p', { class: 'forecast', 'data-threshold-class': t.thresholdClass }, text));
      });
      box.append(div);
    });
  }

  function drawStates(states) {
    const box = document.getElementById('states');
    box.replaceChildren();
    const byFamily = {};
    states.forEach(s => { (byFamily[s.family] = byFamily[s.family] || []).push(s); });
    const families = Object.keys(byFamily).sort();
    if (families.length === 0) {
      box.append(el('p', { class: 'hint' }, 'No machine has reported products yet.'));
      return;
    }
    // The agents' status names (LicenseStatus): grace periods first to last, then the states without activation.
    const known = ['LICENSED', 'INITIAL_GRACE', 'ADDITIONAL_GRACE', 'EXTENDED_GRACE', 'NON_GENUINE_GRACE',
      'NOTIFICATION', 'UNLICENSED'];
    const W = 720, ROW = 26, LABEL = 190;
    const chart = svg('svg', { id: 'states-chart', class: 'chart states-chart', width: W,
      height: families.length * ROW + 4, viewBox: '0 0 ' + W + ' ' + (families.length * ROW + 4), role: 'img',
      'aria-label': 'machines by state' });
    const seen = new Set();
    families.forEach((f, i) => {
      const rows = byFamily[f];
      const total = rows.reduce((a, s) => a + s.count, 0);
      chart.append(svg('text', { x: 0, y: i * ROW + 17 }, f + ' (' + n(total) + ')'));
      let x = LABEL;
      rows.sort((a, b) => known.indexOf(a.status) - known.indexOf(b.status)).forEach(s => {
        const w = (W - LABEL - 4) * s.count / total;
        const cls = known.includes(s.status) ? 's-' + s.status : 's-other';
        seen.add(s.status);
        const r = svg('rect', { class: cls, x: x, y: i * ROW + 4, width: Math.max(w, 0.5), height: ROW - 8,
          'data-series': 'state', 'data-family': f, 'data-status': s.status, 'data-count': s.count });
        r.append(svg('title', {}, f + ' ' + s.status + ': ' + n(s.count)));
        chart.append(r);
        x += w;
      });
    });
    const legend = el('div', { class: 'legend' });
    [...seen].forEach(s => legend.append(el('span', { class: known.includes(s) ? 's-' + s : 's-other' }, s)));
    box.append(chart, legend);
  }

  function refreshSummary() {
    return getJson('/api/summary').then(s => {
      document.getElementById('fleet-figures').textContent = n(s.agents.total) + ' machines, '
        + n(s.agents.connected) + ' connected; view at ' + s.at;
      document.getElementById('expiring-windows').textContent = 'Running out within 7 days: ' + n(s.expiring['7'])
        + ' · 14 days: ' + n(s.expiring['14']) + ' · 30 days: ' + n(s.expiring['30']) + ' (lapsed ones included)';
      drawPools(s.pools);
      drawStates(s.states);
    });
  }

  function refreshTable() {
    const q = new URLSearchParams({ days: table.days, q: table.q, sort: table.sort, dir: table.dir,
      offset: table.offset, limit: PAGE });
    return getJson('/api/expiring?' + q).then(page => {
      // The list shrank under a later page (a refresh after renewals): show its last page, not "101-100 of 100".
      if (page.rows.length === 0 && page.total > 0 && table.offset > 0) {
        table.offset = Math.floor((page.total - 1) / PAGE) * PAGE;
        return refreshTable();
      }
      const body = document.querySelector('#expiring-table tbody');
      body.replaceChildren();
      page.rows.forEach(r => {
        const tr = el('tr', { 'data-agent': r.agentId, class: r.daysLeft < 0 ? 'lapsed' : '' });
        // The agent id beside the host name: two machines may share a name (a re-imaged one under a new id), and
        // ctl addresses agents by id (--target).
        tr.append(el('td', { class: 'machine' }, r.hostName || ''), el('td', { class: 'agent' }, r.agentId),
          el('td', {}, r.family), el('td', {}, r.product), el('td', {}, day(r.validUntil)),
          el('td', { class: 'days' }, String(r.daysLeft)), el('td', {}, r.cause));
        body.append(tr);
      });
      if (page.rows.length === 0) {
        const tr = el('tr', { class: 'empty' });
        tr.append(el('td', { colspan: 7 }, 'Nothing runs out within ' + page.days + ' days'
          + (page.query ? ' matching "' + page.query + '"' : '') + '.'));
        body.append(tr);
      }
      const info = document.getElementById('page-info');
      info.textContent = page.total === 0 ? '0 of 0' : (page.offset + 1) + '–' + (page.offset + page.rows.length)
        + ' of ' + n(page.total);
      info.dataset.total = page.total;
      document.getElementById('page-prev').disabled = page.offset === 0;
      document.getElementById('page-next').disabled = page.offset + page.rows.length >= page.total;
      document.querySelectorAll('#expiring-table th[data-sort]').forEach(th => {
        if (th.dataset.sort === table.sort) th.setAttribute('aria-sort', table.dir === 'asc' ? 'ascending'
          : 'descending');
        else th.removeAttribute('aria-sort');
      });
    });
  }

  function wireTable() {
    document.querySelectorAll('#expiring-table th[data-sort]').forEach(th => th.addEventListener('click', () => {
      table.dir = table.sort === th.dataset.sort && table.dir === 'asc' ? 'desc' : 'asc';
      table.sort = th.dataset.sort;
      table.offset = 0;
      refreshTable();
    }));
    let typing;
    document.getElementById('expiring-search').addEventListener('input', e => {
      clearTimeout(typing);
      typing = setTimeout(() => { table.q = e.target.value.trim(); table.offset = 0; refreshTable(); }, 200);
    });
    document.getElementById('expiring-days').addEventListener('change', e => {
      table.days = Number(e.target.value); table.offset = 0; refreshTable();
    });
    document.getElementById('page-prev').addEventListener('click', () => {
      table.offset = Math.max(0, table.offset - PAGE); refreshTable();
    });
    document.getElementById('page-next').addEventListener('click', () => { table.offset += PAGE; refreshTable(); });
  }

  /** An HRESULT as the agent sends it: its text ("0xC004F038 SL_E_…"), or the record {code, name}. */
  function hresultText(h) {
    if (!h) return '';
    if (typeof h === 'string') return h;
    const code = h.code === undefined ? '' : '0x' + (h.code >>> 0).toString(16).toUpperCase().padStart(8, '0');
    return (code + ' ' + (h.name || '')).trim();
  }

  function describe(e) {
    const d = e.data || {};
    const what = d.kind ? d.kind : e.type;
    // A renewal loop's failure says why, as the agent's log does: its code and the diagnosed cause.
    const loopFailed = d.kind && /FAILED|TIMED_OUT|EXPIRED/.test(d.kind);
    const cause = d.diagnosis && d.diagnosis.cause ? ' (' + d.diagnosis.cause + ')' : '';
    const result = d.kind ? (loopFailed ? ' ' + hresultText(d.hresult) + cause : '') : (d.ok === false ? ' failed '
      + (d.hresult || '') : (d.ok ? ' ok' : ''));
    return day(e.at) + ' ' + (e.at || '').substring(11, 19) + '  ' + named(e.hostName, e.agentId) + '  ' + what
      + (d.family ? ' ' + d.family : '') + result + (d.message ? ': ' + d.message : '');
  }

  let pending;
  function soon() {
    // Bursts of events (a thousand renewals) cost one refresh a second, not one each.
    if (pending) return;
    pending = setTimeout(() => { pending = null; refreshSummary(); refreshTable(); }, 1000);
  }

  function follow() {
    const status = document.getElementById('live-status');
    const list = document.getElementById('live-events');
    const source = new EventSource('/api/events');
    source.onopen = () => { status.dataset.state = 'open'; status.textContent = 'live: following the fleet'; };
    source.onerror = () => { status.dataset.state = 'closed'; status.textContent = 'live: reconnecting…'; };
    source.addEventListener('fleet', m => {
      const e = JSON.parse(m.data);
      const d = e.data || {};
      const failed = d.ok === false || /FAILED/.test(d.kind || '');
      const li = el('li', { 'data-agent': e.agentId, 'data-type': e.type, 'data-kind': d.kind || '',
        class: failed ? 'failed' : '' }, describe(e));
      list.prepend(li);
      while (list.children.length > 200) list.lastElementChild.remove();
      soon();
    });
  }

  wireTable();
  Promise.all([refreshSummary(), refreshTable()]).then(() => { document.body.dataset.ready = 'true'; });
  follow();
})();
