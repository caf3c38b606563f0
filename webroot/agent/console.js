/*! SiteConnect agent console: REST (docs/REST.md) and the bridge (docs/PROTOCOL.md, "Agent console ⇄ gateway").
 * No framework; every piece of data goes into the page through textContent or attributes, never innerHTML. */
// @ts-check
import { scUi } from './ui.js';
import { foreign, isolated } from '../shared/dom.js';
import { labelOf } from './visitor-context.js';
import { t as tr } from './lang.js'; // tr: a local 't' is often a token or a time here
import { scAgentBridge } from './bridge.js';
import { scChat } from './chat.js';
import { scCobrowseView } from './cobrowse-view.js';
import { scSso } from './sso.js';
import { scWorkspace } from './workspace.js';

// sanitize.js and cobrowse.js stay classic scripts (window.scSanitize, window.scCobrowse), loaded before this one.
(function (w, d) {
  const TOKEN_KEY = 'siteconnect.agent.token';
  const SESSIONS_MS = 5000; // live pages have no topic yet: poll
  const BUTTONS_MS = 5000; // chat-button state by REST, only while the bridge does not deliver it

  /** An element of index.html by id: each use knows which kind it is (form, input, dialog, …). */
  const $ = (/** @type {string} */ id) => /** @type {any} */ (d.getElementById(id));
  const bridges = scAgentBridge;

  let token = null;
  let me = null; // GET /api/v1/me
  let bridge = null;
  let timers = [];
  let ended = true; // no login, or it has ended (logout, 401, unauthorized)
  let cobrowse = null; // the co-browse box (scCobrowse.mount)
  let cobrowseView = null; // the co-browse view beside the chat (scCobrowseView)
  const buttons = new Map(); // "site/id" -> {site, id, name, available, enabled, pending, li, input, state}
  const fed = new Set(); // sites whose chat-button state arrives over the bridge
  const pages = new Map(); // handle -> {tr, cells}
  let chat = null; // the chat inbox (webroot/agent/chat.js), once /me is known
  // The workspace around it: list tabs, unread total and title badge, alerts, keyboard shortcuts (workspace.js).
  const workspace = scWorkspace.create(d, { chat: () => chat });

  // ---- small DOM helpers (text only) ----
  const { el, show } = scUi;
  function time(iso) {
    const t = new Date(iso);
    return isNaN(t.getTime()) ? String(iso == null ? '' : iso) : t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function every(ms, fn) {
    timers.push(setInterval(fn, ms));
  }

  // ---- REST ----
  class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }
  /** The server's message, as the server gave it (plus when to retry after a 429). */
  function describe(e) {
    if (!(e instanceof ApiError)) return tr('api.failed', { reason: e.message });
    const wait = e.retryAfter && /^\d+$/.test(e.retryAfter) && !/\d+ ?s\b/.test(e.message)
      ? ' ' + tr('api.retryIn', { seconds: e.retryAfter }) : '';
    return e.message + wait;
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const sent = token;
    if (sent) headers.Authorization = 'Bearer ' + sent;
    let r;
    try {
      r = await fetch('/api/v1' + path, {
        method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit', cache: 'no-store',
      });
    } catch (x) {
      throw new ApiError(0, 'network', tr('api.unreachable'));
    }
    const text = await r.text();
    let data;
    try { data = text ? JSON.parse(text) : null; } catch (x) { data = null; }
    if (r.ok) return data;
    const err = (data && data.error) || {};
    const e = new ApiError(r.status, err.code || 'http-' + r.status,
      tr('err.' + err.code, null, err.message) || tr('api.status', { status: r.status + (r.statusText ? ' ' + r.statusText : '') }),
      r.headers.get('Retry-After'));
    if (r.status === 401 && sent && sent === token) end(tr('api.sessionEnded'));
    throw e;
  }
  const seg = encodeURIComponent;

  // ---- views ----
  function view(name) {
    d.body.setAttribute('data-view', name);
    $('login-view').hidden = name !== 'login';
    $('console-view').hidden = name !== 'console';
    $('password-view').hidden = name !== 'password';
  }

  function showLogin(notice) {
    view('login');
    show($('login-notice'), notice);
    $('login-password').value = '';
    $('login-login').focus();
  }

  $('login-form').addEventListener('submit', async function (e) {
    e.preventDefault();
    const submit = $('login-submit');
    if (submit.disabled) return;
    const login = $('login-login').value.trim();
    const password = $('login-password').value;
    show($('login-error'));
    show($('login-notice'));
    submit.disabled = true;
    d.body.setAttribute('aria-busy', 'true');
    try {
      const r = await api('POST', '/login', { login: login, password: password });
      token = r.token;
      try { sessionStorage.setItem(TOKEN_KEY, token); } catch (x) { /* private mode: this tab only */ }
      $('login-password').value = '';
      if (r.mustChangePassword) askPassword(password); else begin(r.agent);
    } catch (x) {
      show($('login-error'), describe(x));
      $('login-password').select();
      $('login-password').focus();
    } finally {
      submit.disabled = false;
      d.body.removeAttribute('aria-busy');
    }
  });

  $('logout').addEventListener('click', async function () {
    const was = token;
    if (bridge) bridge.close(); // no reconnect when the server closes our socket
    end(null);
    try {
      await fetch('/api/v1/logout', {
        method: 'POST', headers: { Authorization: 'Bearer ' + was }, credentials: 'omit', cache: 'no-store',
      });
    } catch (x) { /* the token expires anyway */ }
  });

  // ---- a required password change: nothing else answers until it is done ----
  let currentPassword = null; // what the agent just logged in with, so it is not asked twice
  function askPassword(current) {
    currentPassword = current;
    view('password');
    $('password-current-row').hidden = current != null;
    $('password-current').required = current == null;
    show($('password-error'));
    (current == null ? $('password-current') : $('password-new')).focus();
  }
  $('password-form').addEventListener('submit', async function (e) {
    e.preventDefault();
    const submit = $('password-submit');
    if (submit.disabled) return;
    const wanted = $('password-new').value;
    if (wanted !== $('password-repeat').value) {
      show($('password-error'), tr('password.differ'));
      $('password-repeat').select();
      return;
    }
    submit.disabled = true;
    try {
      await api('POST', '/me/password', { current: currentPassword ?? $('password-current').value, password: wanted });
      currentPassword = null;
      ['password-current', 'password-new', 'password-repeat'].forEach((id) => { $(id).value = ''; });
      begin(null);
    } catch (x) {
      show($('password-error'), describe(x));
    } finally {
      submit.disabled = false;
    }
  });
  $('password-logout').addEventListener('click', function () {
    const was = token;
    token = null;
    currentPassword = null;
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (x) { /* nothing kept */ }
    fetch('/api/v1/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + was }, credentials: 'omit', cache: 'no-store' })
      .catch(function () { /* the token expires anyway */ });
    showLogin(null);
  });

  /** A kept token: the console opens only if the gateway still takes it (and no password change is due). */
  async function resume() {
    try {
      await api('GET', '/me');
    } catch (x) {
      if (x.code === 'password-change-required') return askPassword(null);
      if (x.status === 401) {
        token = null;
        try { sessionStorage.removeItem(TOKEN_KEY); } catch (y) { /* nothing kept */ }
        return showLogin(tr('api.sessionEnded'));
      }
    }
    begin(null);
  }

  /** Logged in (or the tab kept its token): show the console and start everything. */
  function begin(agent) {
    ended = false;
    view('console');
    if (agent) showAgent(agent);
    loadMe();
    connect();
    mountCobrowse();
    loadSessions();
    every(SESSIONS_MS, loadSessions);
    every(BUTTONS_MS, pollButtons);
    $('buttons-title').focus(); // the login form is gone: keep keyboard users at the top of the console
  }

  /** The login is over: stop everything and go back to the form (with a notice, unless the agent logged out). */
  function end(notice) {
    if (ended) return;
    ended = true;
    timers.forEach(clearInterval);
    timers = [];
    if (cobrowse) { cobrowse.forget(); cobrowse.destroy(); }
    if (cobrowseView) cobrowseView.destroy();
    cobrowse = cobrowseView = null;
    if (bridge) bridge.close();
    bridge = null;
    token = null;
    me = null;
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (x) { /* nothing kept */ }
    buttons.clear();
    fed.clear();
    pages.clear();
    $('my-buttons').replaceChildren();
    $('sessions-body').replaceChildren();
    if (chat) chat.destroy();
    chat = null;
    workspace.reset();
    $('admin-link').hidden = true;
    ['buttons-error', 'sessions-error', 'sessions-result', 'cobrowse-result'].forEach((id) => show($(id)));
    if ($('invite-dialog').open) $('invite-dialog').close();
    conn('offline', {});
    showLogin(notice);
  }

  function showAgent(a) {
    $('agent-name').textContent = a.name || a.login || '';
    $('agent-roles').textContent = (a.roles || []).length ? '(' + a.roles.join(', ') + ')' : '';
    // Administration is its own page (admin.html, same login): admins get a link, agents nothing.
    $('admin-link').hidden = (a.roles || []).indexOf('admin') < 0;
  }

  function expired() { end(tr('api.sessionEnded')); }

  /** The chat inbox needs to know who we are and which buttons we serve (GET /me). */
  function mountChat() {
    if (chat || !me || !token) return;
    chat = scChat.mount({ list: $('chat-list'), panes: $('conversation'), context: $('visitor-context') }, {
      token: token,
      me: me,
      bridge: { // the queue and the lines come over the bridge; agents send through REST
        subscribe: (filter, fn) => bridge && bridge.subscribe('chat:' + filter, filter, (p, info) => fn(p, info.topic, info)),
        publish: (topic, payload) => bridge && bridge.publish(topic, payload),
      },
      onUnauthorized: expired,
      onCounts: workspace.counts,
      onNewWaiting: workspace.newWaiting,
    });
  }

  // ---- the bridge ----
  const CONN_TEXT = {
    offline: tr('conn.offline'), connecting: tr('conn.connecting'), live: tr('conn.live'), reconnecting: tr('conn.reconnecting'),
    closed: tr('conn.closed'),
  };
  function conn(s, detail) {
    const node = $('conn-state');
    node.setAttribute('data-state', s);
    let text = CONN_TEXT[s] || s;
    if (s === 'reconnecting') {
      text += tr('conn.retryIn', { seconds: Math.max(1, Math.round(detail.retryInMs / 1000)) });
      if (detail.error) text += ' (' + detail.error + ')';
    }
    node.textContent = text;
  }

  function connect() {
    bridge = bridges.connect({
      token: token,
      onState: function (s, detail) {
        if (s !== 'live') { // until the resubscriptions answer, REST is the source of the button state
          fed.clear();
          if (s === 'reconnecting') pollButtons();
        }
        if (!ended) conn(s, detail);
      },
      onSession: function (agent) {
        showAgent(agent);
        subscribeButtons(agent.buttons || []);
      },
      onUnauthorized: function () {
        end(tr('api.sessionEnded'));
      },
    });
  }

  /** `$sites/<site>/chat_button/+` for every site the agent serves (retained: the state arrives at once). */
  function subscribeButtons(list) {
    const sites = new Set(list.map((b) => String(b).split('/')[0]).filter(Boolean));
    buttons.forEach((b) => sites.add(b.site));
    sites.forEach(function (site) {
      bridge.subscribe('buttons:' + site, '$sites/' + site + '/chat_button/+', function (payload, info) {
        const id = info.topic.split('/')[3];
        if (payload && (payload.state === 'enabled' || payload.state === 'disabled')) {
          setEnabled(site + '/' + id, payload.state === 'enabled');
        }
      }, function (granted, reason) {
        if (granted) {
          fed.add(site);
        } else {
          fed.delete(site);
          console.warn('agent console: no live button state for site', site, reason);
        }
      });
    });
  }

  // ---- my buttons ----
  async function loadMe() {
    const t = token;
    let r;
    try {
      r = await api('GET', '/me');
    } catch (x) {
      if (t === token) show($('buttons-error'), describe(x));
      return;
    }
    if (t !== token) return; // answers for an earlier login are dropped
    me = r;
    // The mirror loads resources only from these (webroot/agent/sanitize.js; the console's CSP says the same).
    if (w.scSanitize) w.scSanitize.allowOrigins(me.siteOrigins || {});
    showAgent(me);
    renderButtons(me.buttons || []);
    mountChat();
    if (bridge && bridge.live) subscribeButtons([]); // buttons /me knows that agent-session did not name
  }

  function renderButtons(list) {
    const ul = $('my-buttons');
    const keep = new Set();
    list.forEach(function (b, i) {
      const key = b.site + '/' + b.id;
      keep.add(key);
      let x = buttons.get(key);
      if (!x) {
        const inputId = 'available-' + i + '-' + key.replace(/[^A-Za-z0-9_-]/g, '_');
        x = { site: b.site, id: b.id, pending: false };
        x.input = el('input', {
          type: 'checkbox', role: 'switch', id: inputId, 'data-testid': 'button-available', 'data-button': key,
        });
        x.state = el('span', { class: 'state', 'data-testid': 'button-state', 'data-button': key });
        x.nameEl = el('span', { class: 'name' });
        x.li = el('li', { 'data-testid': 'my-button', 'data-button': key },
          el('label', { for: inputId, class: 'switch' }, x.input, x.nameEl, el('span', { class: 'muted small', text: b.site })),
          x.state);
        x.input.addEventListener('change', () => setAvailable(x));
        buttons.set(key, x);
      }
      x.nameEl.textContent = b.name || b.id;
      if (!x.pending) {
        x.available = !!b.available;
        x.input.checked = x.available;
      }
      if (!fed.has(b.site) && typeof b.enabled === 'boolean') setEnabled(key, b.enabled);
      ul.append(x.li); // keeps the server's order; an existing node just moves
    });
    buttons.forEach(function (x, key) {
      if (!keep.has(key)) { x.li.remove(); buttons.delete(key); }
    });
    $('buttons-empty').hidden = buttons.size > 0;
  }

  function setEnabled(key, enabled) {
    const x = buttons.get(key);
    if (!x) return;
    x.enabled = enabled;
    x.state.setAttribute('data-state', enabled ? 'enabled' : 'disabled');
    x.state.textContent = enabled ? tr('buttons.enabled') : tr('buttons.disabled');
  }

  /** PUT the switch's position; if it moved again meanwhile, send the newest one too (the last word wins). */
  async function setAvailable(x) {
    if (x.pending) return;
    const t = token;
    x.pending = true;
    x.li.setAttribute('aria-busy', 'true');
    show($('buttons-error'));
    try {
      for (;;) {
        const want = x.input.checked;
        const b = await api('PUT', '/me/buttons/' + seg(x.site) + '/' + seg(x.id), { available: want });
        if (t !== token) return;
        x.available = !!(b && b.available);
        if (!fed.has(x.site) && b && typeof b.enabled === 'boolean') setEnabled(x.site + '/' + x.id, b.enabled);
        if (x.input.checked === want) break;
      }
      x.input.checked = x.available;
    } catch (e) {
      x.input.checked = !!x.available;
      if (t === token) show($('buttons-error'), describe(e));
    } finally {
      x.pending = false;
      x.li.removeAttribute('aria-busy');
    }
    pollButtons();
  }

  /** GET /api/v1/buttons for the sites whose state does not come over the bridge. */
  async function pollButtons() {
    const t = token;
    let unfed = false;
    buttons.forEach((b) => { unfed = unfed || !fed.has(b.site); });
    if (!t || !unfed) return;
    let list;
    try {
      list = await api('GET', '/buttons');
    } catch (e) {
      return; // the next poll tries again; a 401 already ended the login
    }
    if (t !== token) return;
    (list || []).forEach(function (b) {
      if (!fed.has(b.site) && typeof b.enabled === 'boolean') setEnabled(b.site + '/' + b.id, b.enabled);
    });
  }

  // ---- live pages ----
  async function loadSessions() {
    const t = token;
    if (!t) return;
    let list;
    try {
      list = await api('GET', '/sessions');
    } catch (e) {
      if (t === token) show($('sessions-error'), describe(e));
      return;
    }
    if (t !== token) return;
    show($('sessions-error'));
    const body = $('sessions-body');
    const keep = new Set();
    (list || []).forEach(function (s) {
      keep.add(s.handle);
      let row = pages.get(s.handle);
      if (!row) {
        const invite = el('button', { type: 'button', class: 'small', 'data-testid': 'invite', text: tr('sessions.invite'),
          title: tr('sessions.inviteTitle') });
        row = {
          site: el('td'), connected: el('td'), since: el('td'),
          tr: el('tr', { 'data-testid': 'session', 'data-handle': s.handle }),
          page: el('code', { class: 'handle', 'data-testid': 'session-label', title: s.handle, text: s.handle }),
        };
        row.tr.append(el('td', {}, row.page),
          row.site, row.connected, row.since, el('td', {}, invite));
        invite.addEventListener('click', () => openInvite(s.handle, row.siteKey));
        pages.set(s.handle, row);
      }
      row.siteKey = s.site;
      // "Visitor on /pricing" once the page told its path (docs/CONTEXT.md): the path isolated and shortened
      row.page.replaceChildren(...(labelOf(s.path) || [s.label ? foreign(s.label) : s.handle]));
      row.page.classList.toggle('labelled', !!(s.path || s.label));
      row.page.title = (s.path ? isolated(s.path) + ' · ' : '') + (s.title ? isolated(s.title) + ' · ' : '') + s.handle;
      row.site.textContent = s.site;
      row.connected.textContent = s.connected ? 'yes' : 'no';
      row.tr.setAttribute('data-connected', s.connected ? 'true' : 'false');
      row.since.textContent = time(s.startedAt);
      body.append(row.tr);
    });
    pages.forEach(function (row, handle) {
      if (!keep.has(handle)) { row.tr.remove(); pages.delete(handle); }
    });
    $('sessions-count').textContent = String(pages.size);
    $('sessions-empty').hidden = pages.size > 0;
  }

  function openInvite(handle, site) {
    const dialog = $('invite-dialog');
    dialog.setAttribute('data-handle', handle);
    $('invite-handle').textContent = handle;
    const select = $('invite-button');
    select.replaceChildren();
    buttons.forEach(function (b) {
      if (b.site === site) select.append(el('option', { value: b.id, text: b.nameEl.textContent || b.id }));
    });
    show($('invite-error'), select.options.length ? null : tr('invite.noButton'));
    $('invite-submit').disabled = !select.options.length;
    dialog.showModal();
    $('invite-text').select();
  }

  $('invite-cancel').addEventListener('click', () => $('invite-dialog').close());
  $('invite-form').addEventListener('submit', async function (e) {
    e.preventDefault();
    const dialog = $('invite-dialog');
    const handle = dialog.getAttribute('data-handle');
    const submit = $('invite-submit');
    if (submit.disabled) return;
    submit.disabled = true;
    show($('invite-error'));
    try {
      await api('POST', '/sessions/' + seg(handle) + '/proactive',
        { button_id: $('invite-button').value, text: $('invite-text').value });
      dialog.close();
      show($('sessions-result'), tr('invite.sent', { handle: handle }), 'ok');
    } catch (x) {
      if (token) show($('invite-error'), describe(x));
    } finally {
      submit.disabled = false;
    }
  });

  // ---- co-browse: the code form, its state and the live mirror (webroot/agent/cobrowse.js) ----
  function mountCobrowse() {
    let n = 0;
    cobrowseView = scCobrowseView.create({ section: $('cobrowse-view'), side: $('chats-panel'), token: () => token });
    cobrowse = w.scCobrowse.mount($('cobrowse-panel'), {
      token: () => token,
      view: cobrowseView.area,
      hooks: cobrowseView.hooks,
      bridge: {
        subscribe(filter, fn, onAck) {
          const id = 'cobrowse:' + ++n;
          bridge.subscribe(id, filter, (payload, info) => fn(payload, info.topic), onAck);
          return id;
        },
        unsubscribe(id) { if (bridge) bridge.unsubscribe(id); },
        publish(topic, payload) { if (bridge) bridge.publish(topic, payload); },
      },
    });
    cobrowseView.attach(cobrowse, $('cobrowse-panel'));
  }

  // ---- single sign-on (docs/SSO.md): the button, and the way back from the provider ----
  /** Shows the SSO button when the gateway has a provider, and the password form unless passwords are off. */
  function applySso(info) {
    const on = !!(info && info.enabled);
    const local = !info || info.localPasswords !== false;
    $('sso-box').hidden = !on;
    if (on) $('sso-button').textContent = tr('login.ssoWith', { provider: info.providerName });
    $('sso-or').hidden = !(on && local);
    $('local-login').hidden = !local;
    $('login-submit').hidden = !local;
  }
  async function signInWithCode(code) {
    try {
      const r = await scSso.exchange(code);
      token = r.token;
      try { sessionStorage.setItem(TOKEN_KEY, token); } catch (x) { /* private mode: this tab only */ }
      begin(r.agent);
    } catch (x) {
      showLogin(null);
      show($('login-error'), x.message);
    }
  }

  // ---- start: back from the provider, or a token kept by this tab resumes the console (GET /me tells whether
  // it is still good) ----
  const back = scSso.takeFragment(w);
  const ssoInfo = scSso.load();
  ssoInfo.then(applySso);
  try { token = sessionStorage.getItem(TOKEN_KEY); } catch (x) { token = null; }
  if (back && back.code) signInWithCode(back.code);
  else if (token) resume();
  else showLogin(null);
  if (back && back.error) ssoInfo.then((info) => show($('login-error'), scSso.message(back.error, info && info.providerName)));
})(window, document);
