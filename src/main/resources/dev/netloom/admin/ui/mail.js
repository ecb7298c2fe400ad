// The Mail tab of the admin dashboard: the smtp service's caught mail (docs/admin.md, "Mail tab").
// Plain DOM, no framework. Everything a message carries goes into the page as text (textContent,
// never innerHTML); its HTML part is shown only in an <iframe sandbox> (no allow-scripts, no
// allow-same-origin) loaded from a view URL the server serves under a CSP without script.
(function () {
  'use strict';

  const POLL_SECONDS = 25;   // the server's long poll allows 30
  const RETRY_MS = 5000;     // after an error, or while smtp is not running
  const PAGE = 200;

  let root = null;
  let ui = null;
  let version = null;        // the store's version of the list shown; null: load without waiting
  let polling = false;
  let poller = null;         // the AbortController of the request in flight
  let selected = null;       // the id of the message shown
  let shown = null;          // its detail

  function api(path, init) {
    const n = window.netloom;
    return n && typeof n.api === 'function' ? n.api(path, init) : fetch(path, init);
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  function button(text, cls, onClick) {
    const b = el('button', cls, text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function size(n) {
    if (n < 1024) {
      return n + ' B';
    }
    const units = ['KiB', 'MiB', 'GiB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[i];
  }

  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function status(text, isError) {
    ui.status.textContent = text || '';
    ui.status.classList.toggle('mail-error', !!isError);
  }

  async function errorText(r) {
    try {
      const body = await r.json();
      return body.error || (r.status + ' ' + r.statusText);
    } catch (e) {
      return r.status + ' ' + r.statusText;
    }
  }

  function sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
  }

  function build() {
    root.textContent = '';
    root.classList.add('mail');
    const bar = el('div', 'mail-bar');
    const search = el('input', 'mail-search');
    search.type = 'search';
    search.placeholder = 'Search from, to, subject, text';
    search.setAttribute('aria-label', 'Search mail');
    let debounce = null;
    search.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(reload, 250);
    });
    const count = el('span', 'mail-count');
    const startSmtp = button('Start smtp', 'mail-start', startSmtpService);
    startSmtp.hidden = true;
    const deleteAll = button('Delete all', 'mail-delete-all danger', removeAll);
    const st = el('span', 'mail-status');
    st.setAttribute('role', 'status');
    bar.append(search, count, startSmtp, deleteAll, st);

    const body = el('div', 'mail-body');
    const listBox = el('div', 'mail-list');
    const table = el('table', 'mail-table');
    const head = el('thead');
    const hr = el('tr');
    for (const h of ['From', 'To', 'Subject', 'Date', 'Size']) {
      hr.append(el('th', null, h));
    }
    head.append(hr);
    const rows = el('tbody');
    table.append(head, rows);
    const empty = el('p', 'mail-empty', 'No mail yet. Send some to the smtp service.');
    listBox.append(table, empty);

    const view = el('div', 'mail-view');
    view.hidden = true;
    body.append(listBox, view);
    root.append(bar, body);
    ui = {search, count, startSmtp, deleteAll, status: st, rows, empty, view};
  }

  // ---- the list and its live update ----

  function query(wait) {
    const q = new URLSearchParams();
    const text = ui.search.value.trim();
    if (text) {
      q.set('q', text);
    }
    q.set('limit', String(PAGE));
    if (wait && version !== null) {
      q.set('wait', String(POLL_SECONDS));
      q.set('version', String(version));
    }
    return '/api/mail?' + q.toString();
  }

  function visible() {
    return root && !root.hidden;
  }

  async function loop() {
    if (polling) {
      return;
    }
    polling = true;
    try {
      while (visible()) {
        poller = new AbortController();
        try {
          await once(poller.signal);
        } catch (e) {
          if (e.name === 'AbortError') {
            continue; // the search changed: ask again at once
          }
          status('cannot reach the admin listener: ' + e.message, true);
          await sleep(RETRY_MS);
        }
      }
    } finally {
      polling = false;
      poller = null;
    }
  }

  /** One request of the list: answered at once without a version, else when the store changes. */
  async function once(signal) {
    const r = await api(query(true), {signal});
    if (r.status === 409) {
      version = null;
      ui.startSmtp.hidden = false;
      status(await errorText(r), true);
      renderList({total: 0, messages: []});
      await sleep(RETRY_MS);
      return;
    }
    if (!r.ok) {
      status(await errorText(r), true);
      await sleep(RETRY_MS);
      return;
    }
    const page = await r.json();
    if (signal.aborted) {
      return;
    }
    ui.startSmtp.hidden = true;
    if (ui.status.classList.contains('mail-error')) {
      status('');
    }
    version = page.version;
    renderList(page);
  }

  function reload() {
    version = null;
    if (poller) {
      poller.abort();
    }
    loop();
  }

  function renderList(page) {
    const rows = [];
    for (const m of page.messages) {
      const tr = el('tr', 'mail-row');
      tr.dataset.id = String(m.id);
      tr.tabIndex = 0;
      tr.append(el('td', 'mail-from', m.from || '<>'), el('td', 'mail-to', (m.to || []).join(', ')),
          el('td', 'mail-subject', m.subject || '(no subject)'), el('td', 'mail-date', when(m.date)),
          el('td', 'mail-size', size(m.size)));
      if (m.id === selected) {
        tr.classList.add('selected');
      }
      tr.addEventListener('click', () => open(m.id));
      tr.addEventListener('keydown', e => {
        if (e.key === 'Enter') {
          open(m.id);
        }
      });
      rows.push(tr);
    }
    ui.rows.replaceChildren(...rows);
    ui.empty.hidden = page.messages.length > 0;
    const more = page.total > page.messages.length ? ' (newest ' + page.messages.length + ' shown)' : '';
    ui.count.textContent = page.total + (page.total === 1 ? ' message' : ' messages') + more;
    if (selected !== null && !page.messages.some(m => m.id === selected) && !ui.search.value.trim()) {
      closeView(); // deleted elsewhere
    }
  }

  // ---- one message ----

  async function open(id) {
    selected = id;
    for (const tr of ui.rows.children) {
      tr.classList.toggle('selected', tr.dataset.id === String(id));
    }
    const r = await api('/api/mail/' + id);
    if (!r.ok) {
      status(await errorText(r), true);
      return;
    }
    shown = await r.json();
    if (selected !== id) {
      return; // another one was clicked meanwhile
    }
    renderView(shown);
  }

  function closeView() {
    selected = null;
    shown = null;
    ui.view.hidden = true;
    ui.view.textContent = '';
  }

  function header(m, name) {
    const h = (m.headers || []).find(x => x.name.toLowerCase() === name.toLowerCase());
    return h ? h.value : '';
  }

  function renderView(m) {
    const v = ui.view;
    v.textContent = '';
    v.hidden = false;

    const actions = el('div', 'mail-actions');
    actions.append(button('Delete', 'mail-delete danger', () => remove(m.id)),
        button('Download .eml', 'mail-download-raw', () => download('/api/mail/' + m.id + '/raw', 'message-' + m.id + '.eml')),
        button('Close', 'mail-close', closeView));
    v.append(actions, el('h2', 'mail-title', m.subject || '(no subject)'));

    const dl = el('dl', 'mail-headers');
    const pairs = [['From', header(m, 'From') || m.from], ['To', header(m, 'To') || m.to.join(', ')],
      ['Cc', header(m, 'Cc')], ['Envelope', (m.from || '<>') + ' \u2192 ' + m.to.join(', ')],
      ['Date', header(m, 'Date') || when(m.date)], ['Received', when(m.date)], ['Size', size(m.size)]];
    for (const [k, val] of pairs) {
      if (val) {
        dl.append(el('dt', null, k), el('dd', null, val));
      }
    }
    v.append(dl);

    if (m.attachments.length > 0) {
      const ul = el('ul', 'mail-attachments');
      for (const a of m.attachments) {
        const li = el('li');
        const name = a.filename || ('attachment-' + a.index);
        li.append(button(name, 'mail-attachment',
            () => download('/api/mail/' + m.id + '/attachments/' + a.index, name)),
        el('span', 'mail-attachment-meta', (a.contentType || '') + ', ' + size(a.size)));
        ul.append(li);
      }
      v.append(ul);
    }

    const tabs = el('div', 'mail-tabs');
    tabs.setAttribute('role', 'tablist');
    const panes = el('div', 'mail-panes');
    const kinds = [];
    if (m.html !== null && m.html !== undefined) {
      kinds.push(['HTML', htmlPane(m)]);
    }
    kinds.push(['Text', textPane(m)], ['Headers', headersPane(m)], ['Source', rawPane(m)]);
    const buttons = [];
    kinds.forEach(([name, pane], i) => {
      const b = button(name, 'mail-tab', () => show(i));
      b.setAttribute('role', 'tab');
      buttons.push(b);
      tabs.append(b);
      pane.hidden = true;
      panes.append(pane);
    });

    function show(i) {
      buttons.forEach((b, j) => {
        b.classList.toggle('active', i === j);
        b.setAttribute('aria-selected', String(i === j));
      });
      kinds.forEach(([, pane], j) => {
        pane.hidden = i !== j;
        if (i === j && pane.onShow) {
          pane.onShow();
        }
      });
    }

    v.append(tabs, panes);
    show(0);
  }

  function htmlPane(m) {
    const pane = el('div', 'mail-pane mail-html-pane');
    const bar = el('div', 'mail-remote-bar');
    const note = el('span', 'mail-remote-note', 'Remote images, styles and fonts are blocked.');
    const load = button('Load remote content', 'mail-load-remote', () => frameView(m.id, true));
    bar.append(note, load);
    const frame = document.createElement('iframe');
    frame.className = 'mail-html';
    // empty sandbox: no scripts, an opaque origin, no forms, popups or top navigation
    frame.setAttribute('sandbox', '');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.title = 'HTML part of the message';
    pane.append(bar, frame);
    let loaded = false;
    pane.onShow = () => {
      if (!loaded) {
        loaded = true;
        frameView(m.id, false);
      }
    };

    async function frameView(id, remote) {
      const r = await api('/api/mail/' + id + '/view' + (remote ? '?remote=1' : ''), {method: 'POST'});
      if (!r.ok) {
        status(await errorText(r), true);
        return;
      }
      const url = (await r.json()).url;
      if (typeof url !== 'string' || !url.startsWith('/mail-view/')) {
        return; // only ever our own view URLs
      }
      frame.src = url;
      if (remote) {
        bar.hidden = true;
      }
    }
    return pane;
  }

  function textPane(m) {
    const pane = el('div', 'mail-pane');
    pane.append(el('pre', 'mail-text', m.text === null || m.text === undefined ? '(no text part)' : m.text));
    return pane;
  }

  function headersPane(m) {
    const pane = el('div', 'mail-pane');
    const table = el('table', 'mail-all-headers');
    for (const h of m.headers) {
      const tr = el('tr');
      tr.append(el('th', null, h.name), el('td', null, h.value));
      table.append(tr);
    }
    pane.append(table);
    return pane;
  }

  function rawPane(m) {
    const pane = el('div', 'mail-pane');
    const pre = el('pre', 'mail-raw', 'loading\u2026');
    pane.append(pre);
    let loaded = false;
    pane.onShow = async () => {
      if (loaded) {
        return;
      }
      loaded = true;
      const r = await api('/api/mail/' + m.id + '/raw');
      pre.textContent = r.ok ? await r.text() : await errorText(r);
    };
    return pane;
  }

  // ---- actions ----

  async function download(path, name) {
    const r = await api(path);
    if (!r.ok) {
      status(await errorText(r), true);
      return;
    }
    const url = URL.createObjectURL(await r.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function remove(id) {
    const r = await api('/api/mail/' + id, {method: 'DELETE'});
    if (!r.ok && r.status !== 404) {
      status(await errorText(r), true);
      return;
    }
    closeView(); // the long poll brings the new list
  }

  async function removeAll() {
    if (!window.confirm('Delete every message the smtp service holds?')) {
      return;
    }
    const r = await api('/api/mail', {method: 'DELETE'});
    if (!r.ok) {
      status(await errorText(r), true);
      return;
    }
    closeView();
  }

  async function startSmtpService() {
    const r = await api('/api/services/smtp/start', {method: 'POST'});
    status(r.ok ? 'smtp started' : await errorText(r), !r.ok);
    if (r.ok) {
      ui.startSmtp.hidden = true;
      reload();
    }
  }

  function shownTab() {
    if (!ui) {
      build();
    }
    loop();
  }

  function init() {
    root = document.getElementById('mail');
    if (!root) {
      return;
    }
    const n = window.netloom;
    if (n && typeof n.onTab === 'function') {
      n.onTab('mail', shownTab);
    }
    if (!root.hidden) {
      shownTab();
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
