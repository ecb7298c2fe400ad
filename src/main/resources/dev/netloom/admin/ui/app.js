// netloom admin dashboard: plain JavaScript, no build step, no framework (see docs/admin.md, "Dashboard").
//
// window.netloom, the contract other tabs (mail.js) build on:
//   netloom.api(path, init)           -> Promise<Response>: fetch with the API token when one is set
//   netloom.stream(path, onEvent(data, eventName), {onOpen, onClose})
//                                     -> {close()}: server-sent events read over fetch (so the token
//                                        header goes along), reconnecting after a drop
//   netloom.onTab(name, fn)           fn() each time tab `name` is shown (now, if it is showing)
'use strict';

(function () {
  const TOKEN_KEY = 'netloom.admin.token';
  const TABS = ['services', 'mail'];
  const POLL_MS = 2000;
  const WINDOW_S = 15 * 60;

  // ---- token: from #token=... once (then out of the address bar), else asked for on a 401 ----

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function takeTokenFromHash() {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      const rest = location.hash.replace(/(^#|&)token=[^&]+/, '$1').replace(/^#&?$/, '');
      history.replaceState(null, '', location.pathname + location.search + (rest || '#services'));
    }
  }

  let asking = false;
  function askForToken() {
    if (asking) {
      return;
    }
    asking = true;
    const form = document.getElementById('token-form');
    form.hidden = false;
    document.getElementById('token-input').focus();
  }

  function tokenFormSetUp() {
    const form = document.getElementById('token-form');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, document.getElementById('token-input').value.trim());
      form.hidden = true;
      asking = false;
      notice('');
      refreshAll();
    });
  }

  // ---- the contract ----

  function api(path, init) {
    const opts = Object.assign({}, init || {});
    const headers = new Headers(opts.headers || {});
    const t = token();
    if (t) {
      headers.set('Authorization', 'Bearer ' + t);
    }
    opts.headers = headers;
    opts.cache = 'no-store';
    return fetch(path, opts).then((r) => {
      if (r.status === 401) {
        askForToken();
      }
      return r;
    });
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // Server-sent events over fetch: EventSource cannot send an Authorization header.
  function stream(path, onEvent, options) {
    const opts = options || {};
    let closed = false;
    let ctrl = null;
    let delay = 1000;

    function dispatch(event, data) {
      try {
        onEvent(data.join('\n'), event);
      } catch (e) {
        console.error('netloom.stream handler for ' + path, e);
      }
    }

    async function readOnce() {
      ctrl = new AbortController();
      const r = await api(path, {signal: ctrl.signal, headers: {Accept: 'text/event-stream'}});
      if (!r.ok || !r.body) {
        throw new Error('HTTP ' + r.status);
      }
      delay = 1000;
      if (opts.onOpen) {
        opts.onOpen();
      }
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      let event = 'message';
      let data = [];
      for (;;) {
        const {value, done} = await reader.read();
        if (done) {
          return;
        }
        buf += value;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          let line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.endsWith('\r')) {
            line = line.slice(0, -1);
          }
          if (line === '') {
            if (data.length) {
              dispatch(event, data);
            }
            event = 'message';
            data = [];
          } else if (!line.startsWith(':')) {
            const c = line.indexOf(':');
            const field = c < 0 ? line : line.slice(0, c);
            let v = c < 0 ? '' : line.slice(c + 1);
            if (v.startsWith(' ')) {
              v = v.slice(1);
            }
            if (field === 'event') {
              event = v;
            } else if (field === 'data') {
              data.push(v);
            }
          }
        }
      }
    }

    (async function run() {
      while (!closed) {
        try {
          await readOnce();
        } catch (e) {
          // a drop, a stop of the listener, a 401: try again after a while
        }
        if (closed) {
          return;
        }
        if (opts.onClose) {
          opts.onClose();
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 15000);
      }
    })();
    return {
      close() {
        closed = true;
        if (ctrl) {
          ctrl.abort();
        }
      },
    };
  }

  const tabHandlers = {};
  let currentTab = null;

  function onTab(name, fn) {
    (tabHandlers[name] = tabHandlers[name] || []).push(fn);
    if (currentTab === name) {
      fn();
    }
  }

  window.netloom = Object.freeze({api, stream, onTab});

  // ---- tabs by URL hash ----

  function showTab() {
    const name = location.hash.slice(1);
    const tab = TABS.includes(name) ? name : 'services';
    for (const t of TABS) {
      document.getElementById(t).hidden = t !== tab;
    }
    for (const a of document.querySelectorAll('nav a[data-tab]')) {
      a.classList.toggle('active', a.dataset.tab === tab);
    }
    currentTab = tab;
    for (const fn of tabHandlers[tab] || []) {
      try {
        fn();
      } catch (e) {
        console.error('netloom.onTab ' + tab, e);
      }
    }
  }

  // ---- small helpers ----

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') {
        e.className = v;
      } else if (k.startsWith('data-')) {
        e.setAttribute(k, v);
      } else {
        e[k] = v;
      }
    }
    for (const c of children) {
      e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    }
    return e;
  }

  function notice(text, isError) {
    const n = document.getElementById('notice');
    n.textContent = text;
    n.classList.toggle('error', !!isError);
  }

  function bytes(n) {
    if (n == null) {
      return '';
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  function millis(ms) {
    const s = Math.floor(ms / 1000);
    if (s < 60) {
      return s + 's';
    }
    if (s < 3600) {
      return Math.floor(s / 60) + 'm' + (s % 60) + 's';
    }
    return Math.floor(s / 3600) + 'h' + Math.floor((s % 3600) / 60) + 'm';
  }

  async function json(path, init) {
    const r = await api(path, init);
    if (!r.ok) {
      let msg = 'HTTP ' + r.status;
      try {
        msg = (await r.json()).error || msg;
      } catch (e) {
        // not JSON
      }
      throw new Error(msg);
    }
    return r.status === 204 ? null : r.json();
  }

  // ---- services ----

  let services = [];

  async function loadServices() {
    services = await json('/api/services');
    renderServices();
    renderConnectionChoices();
    syncCharts();
  }

  function renderServices() {
    const body = document.querySelector('#services-table tbody');
    const rows = services.map((s) => {
      const st = s.stats || {};
      const running = s.state === 'running';
      const button = s.name === 'admin' ? '' : el('button', {
        type: 'button', className: running ? 'stop' : 'start', textContent: running ? 'stop' : 'start',
        disabled: s.state === 'starting' || s.state === 'stopping',
        onclick: () => act(s.name, running ? 'stop' : 'start'),
      });
      return el('tr', {'data-service': s.name, 'data-state': s.state, title: s.description},
          el('td', {}, s.name),
          el('td', {class: 'state state-' + s.state, title: s.failure || ''}, s.state),
          el('td', {}, running ? (s.address || '') : ''),
          el('td', {class: 'num'}, running ? (st.active ?? '') : ''),
          el('td', {class: 'num'}, st.requests ?? ''),
          el('td', {class: 'num'}, st.errors ?? ''),
          el('td', {class: 'num'}, bytes(st.bytes_in)),
          el('td', {class: 'num'}, bytes(st.bytes_out)),
          el('td', {}, button));
    });
    body.replaceChildren(...rows);
  }

  async function act(name, what) {
    notice(what + ' ' + name + '...');
    try {
      await json('/api/services/' + encodeURIComponent(name) + '/' + what, {method: 'POST'});
      notice(name + ': ' + what + (what === 'stop' ? 'ped' : 'ed'));
    } catch (e) {
      notice(name + ': ' + e.message, true);
    }
    await loadServices().catch(() => {});
  }

  // ---- charts (uPlot), from /api/history ----

  // The series the page draws when the history has them; a new one on the server is a new line here.
  const CHARTS = [
    {title: 'connections', series: [['active', 'active']]},
    {title: 'bytes/s', series: [['bytes_in', 'in'], ['bytes_out', 'out']], bytes: true},
    {title: 'requests/s', series: [['requests', 'requests']]},
    {title: 'errors/s', series: [['errors', 'errors']]},
    {title: 'latency p99 (ms)', series: [['latency_p99_ms', 'p99']]},
  ];
  const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea'];
  const history = {}; // service -> {t: [], active: [], ...}
  const charts = {}; // service -> {card, plots: [{def, plot}]}
  let lastT = 0;

  async function loadHistory() {
    const data = await json('/api/history' + (lastT ? '?since=' + lastT : ''));
    const cut = Date.now() / 1000 - WINDOW_S;
    for (const [name, cols] of Object.entries(data)) {
      const h = history[name] || (history[name] = {});
      for (const [k, v] of Object.entries(cols)) {
        h[k] = (h[k] || []).concat(v);
      }
      let drop = 0;
      while (drop < h.t.length && h.t[drop] < cut) {
        drop++;
      }
      if (drop) {
        for (const k of Object.keys(h)) {
          h[k] = h[k].slice(drop);
        }
      }
      if (h.t.length) {
        lastT = Math.max(lastT, h.t[h.t.length - 1]);
      }
    }
    syncCharts();
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
  }

  function chartWidth(host) {
    return Math.max(200, host.clientWidth);
  }

  function makePlot(def, cols, host) {
    const axis = {stroke: cssVar('--muted'), grid: {stroke: cssVar('--line'), width: 1},
      ticks: {stroke: cssVar('--line'), width: 1}};
    const opts = {
      title: def.title,
      width: chartWidth(host),
      height: 150,
      cursor: {drag: {x: false, y: false}},
      legend: {show: def.series.length > 1},
      scales: {x: {time: true}, y: {range: (u, min, max) => [0, Math.max(1, max)]}},
      axes: [Object.assign({}, axis),
        Object.assign({}, axis, {size: 72, values: (u, vals) => vals.map((v) => (def.bytes ? bytes(v) : v))})],
      series: [{}].concat(def.series.map(([, label], i) => ({
        label, stroke: COLORS[i % COLORS.length], width: 1.5, points: {show: false},
      }))),
    };
    return new uPlot(opts, plotData(def, cols), host);
  }

  function plotData(def, cols) {
    return [cols.t].concat(def.series.map(([key]) => cols[key]));
  }

  function syncCharts() {
    const box = document.getElementById('charts');
    const running = services.filter((s) => s.state === 'running').map((s) => s.name);
    for (const name of Object.keys(charts)) {
      if (!running.includes(name)) {
        charts[name].plots.forEach((p) => p.plot.destroy());
        charts[name].card.remove();
        delete charts[name];
      }
    }
    for (const name of running) {
      const cols = history[name];
      if (!cols || !cols.t) {
        continue;
      }
      let c = charts[name];
      if (!c) {
        const row = el('div', {class: 'chart-row'});
        const card = el('div', {class: 'chart-card', 'data-service': name}, el('h3', {}, name), row);
        box.append(card);
        c = charts[name] = {card, plots: []};
      }
      for (const def of CHARTS) {
        if (!def.series.every(([key]) => key in cols)) {
          continue;
        }
        let p = c.plots.find((x) => x.def === def);
        if (!p) {
          const host = el('div', {});
          c.card.querySelector('.chart-row').append(host);
          p = {def, host, plot: makePlot(def, cols, host)};
          c.plots.push(p);
        } else {
          p.plot.setData(plotData(def, cols));
        }
      }
      c.card.dataset.points = String(cols.t.length);
    }
    const empty = box.querySelector('.empty');
    if (empty) {
      empty.hidden = Object.keys(charts).length > 0;
    }
  }

  function resizeCharts() {
    for (const c of Object.values(charts)) {
      for (const p of c.plots) {
        p.plot.setSize({width: chartWidth(p.host), height: 150});
      }
    }
  }

  // ---- connections ----

  function renderConnectionChoices() {
    const sel = document.getElementById('conn-service');
    const tcp = services.filter((s) => s.state === 'running' && s.transport !== 'udp').map((s) => s.name);
    const current = sel.value;
    const same = sel.options.length === tcp.length && tcp.every((n, i) => sel.options[i].value === n);
    if (!same) {
      sel.replaceChildren(...tcp.map((n) => el('option', {value: n}, n)));
      sel.value = tcp.includes(current) ? current : (tcp.find((n) => n !== 'admin') || tcp[0] || '');
    }
  }

  async function loadConnections() {
    const name = document.getElementById('conn-service').value;
    const body = document.querySelector('#connections-table tbody');
    if (!name) {
      body.replaceChildren();
      return;
    }
    let conns;
    try {
      conns = await json('/api/services/' + encodeURIComponent(name) + '/connections');
    } catch (e) {
      conns = [];
    }
    body.replaceChildren(...conns.map((c) => el('tr', {'data-conn-id': c.id},
        el('td', {class: 'num'}, c.id),
        el('td', {}, c.remote),
        el('td', {class: 'num'}, millis(c.age_ms)),
        el('td', {class: 'num'}, millis(c.idle_ms)),
        el('td', {class: 'num'}, bytes(c.bytes_in)),
        el('td', {class: 'num'}, bytes(c.bytes_out)),
        el('td', {}, c.activity),
        el('td', {}, el('button', {type: 'button', className: 'kill', textContent: 'kill',
          onclick: () => kill(name, c.id)})))));
  }

  async function kill(name, id) {
    try {
      await json('/api/services/' + encodeURIComponent(name) + '/connections/' + id, {method: 'DELETE'});
      notice(name + ': connection ' + id + ' killed');
    } catch (e) {
      notice(name + ': ' + e.message, true);
    }
    await loadConnections();
  }

  // ---- log tail ----

  const LOG_KEEP = 1000;

  function startLog() {
    const pre = document.getElementById('log');
    const follow = document.getElementById('log-follow');
    stream('/api/logs/stream?lines=200', (line) => {
      const cls = / (WARN|ERROR) +\[/.exec(line);
      pre.append(el('div', cls ? {class: cls[1].toLowerCase()} : {}, line));
      while (pre.childElementCount > LOG_KEEP) {
        pre.firstElementChild.remove();
      }
      if (follow.checked) {
        pre.scrollTop = pre.scrollHeight;
      }
    }, {onOpen: () => pre.replaceChildren()});
  }

  // ---- polling ----

  let pollFailed = false;

  async function refreshAll() {
    try {
      await loadServices();
      await loadHistory();
      await loadConnections();
      if (pollFailed) {
        pollFailed = false;
        notice('');
      }
    } catch (e) {
      pollFailed = true;
      notice(e.message, true);
    }
  }

  function poll() {
    const tick = async () => {
      if (!document.hidden && currentTab === 'services' && !asking) {
        await refreshAll();
      }
      setTimeout(tick, POLL_MS);
    };
    tick();
  }

  takeTokenFromHash();
  tokenFormSetUp();
  window.addEventListener('hashchange', showTab);
  window.addEventListener('resize', resizeCharts);
  document.getElementById('conn-service').addEventListener('change', () => loadConnections());
  showTab();
  startLog();
  poll();
})();
