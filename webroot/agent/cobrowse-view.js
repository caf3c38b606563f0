/*! SiteConnect agent console: the co-browse view (issue 16 item 4). While a co-browse runs, the console becomes a
 * workspace: the visitor's page scaled to fit the free area with their viewport outlined, the chat with that visitor
 * beside it, which of the visitor's tabs it is, and how fresh the mirror is ("Live" / "N s behind" / "Re-syncing").
 *
 *   const v = scCobrowseView.create({section, side, token})
 *     section: the view's element (#cobrowse-view); side: the conversation shown beside the mirror (#chats-panel)
 *     token:   () => the agent's bearer token
 *   scCobrowse.mount(panel, {view: v.area, hooks: v.hooks, …}); v.attach(handle); … v.destroy()
 *
 * Freshness: the page reports its tab (~pagesession/cobrowsing/tab) every 2 s while co-browsing and the recorder
 * sends batches on every change, so silence longer than STALE_MS means the stream is stuck, not that the visitor is
 * idle. Batches carry the visitor's timestamps: a batch that arrives later than the best delivery seen also counts
 * as behind. "Re-syncing" comes from the mirror (cobrowse.js): the stage's `data-sync` attribute ('live' |
 * 'resyncing', set while the mirror is known to be wrong until the fresh snapshot is in), or, if the mirror object
 * has onState(fn), fn('resyncing' | 'live').
 * The visitor's own chat widget (the site-connect frame, cross-origin, blank in the mirror) gets a labelled box.
 * No inline scripts or handlers; styles only through classes and the CSSOM.
 */
// @ts-check
import { scUi } from './ui.js';
import { t as tr } from './lang.js';

export const scCobrowseView = (function (w, d) {
  const el = scUi.el;
  const STALE_MS = 4500; // two missed tab reports (every 2 s) plus slack
  const LAG_MS = 2500; // a batch this much later than the best delivery seen: behind
  const INFO_MS = 5000; // GET /cobrowse/{id} (chat_id) this often while the view is open
  const TAB_GONE_MS = 10000; // a tab not heard from for this long no longer counts in "tab k of n"
  // In the mirror's document: the visitor's chat widget (site_connect.js's container) as a labelled box.
  const WIDGET_RULES = [
    '#channelme-siteconnect-container::after { content: ' + JSON.stringify(tr('cbv.widget')) + '; position: absolute; inset: 0;'
      + ' z-index: 2147483647; display: flex; align-items: center; justify-content: center; padding: 8px;'
      + ' box-sizing: border-box; border: 3px dashed #7a8499; border-radius: inherit; background: #eef1f6;'
      + ' color: #3b4356; font: 700 18px/1.3 system-ui, sans-serif; text-align: center; }',
    '#channelme-siteconnect-container > iframe { visibility: hidden !important; }',
  ];

  function create(opts) {
    const section = opts.section;
    const side = opts.side;
    const api = scUi.rest({ token: opts.token });

    const title = el('span', { class: 'sc-cbv-title' }); // cobrowse.js's state line, stop button (and size) go here
    const tabLabel = el('span', { class: 'sc-cbv-tab', 'data-testid': 'cobrowse-tab', hidden: true });
    const tabCount = el('span', { class: 'sc-cbv-count badge', 'data-testid': 'cobrowse-tab-count', hidden: true });
    const fresh = el('span', { class: 'sc-cbv-fresh', 'data-testid': 'cobrowse-freshness', 'data-freshness': 'waiting',
      role: 'status', 'aria-live': 'polite', text: tr('cbview.waiting') });
    const dash = el('button', { type: 'button', class: 'small', 'data-testid': 'cobrowse-dashboard', text: tr('cbview.dashboard'),
      'aria-pressed': 'false' });
    const head = el('div', { class: 'sc-cbv-head' }, title, tabLabel, tabCount, fresh,
      el('span', { class: 'sc-cbv-grow' }), dash);
    const wait = el('p', { class: 'sc-cbv-wait muted', 'data-testid': 'cobrowse-view-wait' });
    const area = el('div', { class: 'sc-cbv-area', 'data-testid': 'cobrowse-area', hidden: true });
    const gauge = el('div', { class: 'sc-cbv-gauge', 'data-testid': 'cobrowse-scroll', title: tr('cbview.whereTheVisitorIs') },
      el('span', { class: 'sc-cbv-thumb' }));
    const label = el('div', { class: 'sc-cbv-label', 'data-testid': 'cobrowse-outline-label' });
    const body = el('div', { class: 'sc-cbv-body' }, wait, area);
    const chatNote = el('p', { class: 'sc-cbv-chat muted small', 'data-testid': 'cobrowse-chat-note', hidden: true });
    section.replaceChildren(head, body);
    area.append(label, gauge);

    let handle = null;
    let bar = null; // cobrowse.js's bar (state line, window size, Stop): in our header while the view is on
    let barHome = null;
    let state = 'idle';
    let id = null;
    let mirror = null;
    let mirrorState = 'live'; // 'live' | 'resyncing'
    let lastHeard = 0; // when the last batch or tab report arrived (our clock)
    let bestDelay = Infinity; // smallest (arrival − visitor timestamp) seen: network time plus the clocks' offset
    let lag = 0; // how much later than that the last batch came
    let heartbeats = false; // the page sends tab reports: silence means stuck
    let tab = null; // the last tab report
    const tabs = new Map(); // tab id → {title, at, order}
    let chatId; // undefined: not asked yet; null: none
    let picked = null; // the chat we selected for the agent (once per chat, so the agent may switch)
    let dashboard = false;
    let timers = [];
    let infoTimer = 0;
    let alive = true;

    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => refit()) : null;
    if (ro) ro.observe(area);
    const mo = new MutationObserver(() => freshness()); // "re-syncing" shows at once
    mo.observe(area, { attributes: true, attributeFilter: ['data-sync'], subtree: true });

    function mode() {
      const on = state === 'active' || state === 'waiting-consent';
      section.hidden = !on;
      d.body.setAttribute('data-cobrowse', on ? (dashboard ? 'dashboard' : 'on') : 'off');
      dash.textContent = tr(dashboard ? 'cbv.back' : 'cbv.dashboard');
      dash.setAttribute('aria-pressed', String(dashboard));
      chatNote.hidden = !on || dashboard;
      if (bar) {
        if (on && bar.parentNode !== title) title.append(bar);
        else if (!on && barHome && bar.parentNode !== barHome) barHome.append(bar);
      }
      if (on && chatNote.parentNode !== side) {
        const heading = side.querySelector(':scope > h2');
        if (heading) heading.after(chatNote); else side.prepend(chatNote);
      }
      wait.hidden = !on || !!mirror;
      wait.textContent = tr(state === 'waiting-consent' ? 'cbv.waitConsent' : 'cbv.waitPage');
      refit();
    }

    function refit() {
      if (handle && !area.hidden && mirror) { handle.refit(); scrolled(); }
    }

    // ---- freshness ----
    function freshness() {
      let kind;
      let text;
      const now = Date.now();
      const silent = now - lastHeard;
      if (state !== 'active') {
        kind = 'waiting'; text = state === 'waiting-consent' ? tr('cbv.fresh.consent') : '';
      } else if (!mirror) {
        kind = 'waiting'; text = tr('cbv.fresh.page');
      } else if (mirrorState === 'resyncing' || syncAttr() === 'resyncing') {
        kind = 'resyncing'; text = tr('cbv.fresh.resyncing');
      } else if (heartbeats && tab && !tab.visible) {
        // A hidden tab's timers are throttled (to once a minute after 5 min): its silence is not a stuck stream.
        kind = 'away';
        text = silent < STALE_MS ? tr('cbv.fresh.away') : tr('cbv.fresh.awaySilent', { n: Math.round(silent / 1000) });
      } else if (heartbeats && silent > STALE_MS) {
        kind = 'behind'; text = tr('cbv.fresh.behind', { n: Math.round(silent / 1000) });
      } else if (lag > LAG_MS) {
        kind = 'behind'; text = tr('cbv.fresh.behind', { n: Math.round(lag / 1000) });
      } else {
        kind = 'live'; text = tr('cbv.fresh.live');
      }
      if (fresh.getAttribute('data-freshness') !== kind || fresh.textContent !== text) {
        fresh.setAttribute('data-freshness', kind);
        fresh.textContent = text;
      }
      tabsShown(now);
      scrolled();
    }

    function syncAttr() {
      const stage = area.querySelector('.sc-cb-stage');
      return stage ? stage.getAttribute('data-sync') : null;
    }

    function heard(p) {
      const now = Date.now();
      lastHeard = now;
      const list = p && Array.isArray(p.events) ? p.events : null;
      const last = list && list.length ? Number(list[list.length - 1].timestamp) : NaN;
      if (isFinite(last)) {
        const delay = now - last;
        bestDelay = Math.min(bestDelay, delay);
        lag = Math.max(0, delay - bestDelay);
      } else {
        lag = 0;
      }
      if (p && p.full && (p.part == null || p.part === p.parts - 1)) setMirrorState('live');
    }

    function setMirrorState(s) {
      mirrorState = s === 'resyncing' ? 'resyncing' : 'live';
      freshness();
    }

    // ---- which tab ----
    /** Every tab of the visitor reports; the one the mirror shows is `current` (the gateway says which). */
    function onTab(p) {
      if (!p || typeof p.tab !== 'string') return;
      const now = Date.now();
      const known = tabs.get(p.tab);
      tabs.set(p.tab, { title: String(p.title || ''), at: now, order: known ? known.order : tabs.size + 1 });
      if (p.current !== false) { // an older gateway does not say: each report is then the tab's
        heartbeats = true;
        tab = p;
        lastHeard = now;
      }
      tabsShown(now);
    }

    function tabsShown(now) {
      if (!tab) { tabLabel.hidden = tabCount.hidden = true; return; }
      const live = Array.from(tabs.entries()).filter(([k, t]) => k === tab.tab || now - t.at < TAB_GONE_MS)
        .sort((a, b) => a[1].order - b[1].order);
      const given = Number.isInteger(tab.index) && Number.isInteger(tab.of) && tab.index >= 1 && tab.index <= tab.of;
      const k = given ? tab.index : live.findIndex(([key]) => key === tab.tab) + 1;
      const of = given ? tab.of : live.length;
      tabLabel.hidden = false;
      tabLabel.textContent = tr('cbv.tab', { title: tab.title || tr('cbv.untitled') });
      tabLabel.title = tab.title || '';
      tabLabel.setAttribute('data-tab', tab.tab);
      tabCount.hidden = false;
      tabCount.textContent = tr('cbv.tabOf', { k, of });
      tabCount.setAttribute('data-of', String(of));
    }

    // ---- the outline: the visitor's window, and where in the page it is ----
    function scrolled() {
      const iframe = mirror && mirror.iframe;
      const stage = /** @type {HTMLElement | null} */ (area.querySelector('.sc-cb-stage'));
      if (!iframe || !stage) return;
      let doc;
      try { doc = iframe.contentDocument; } catch (x) { doc = null; }
      const root = doc && (doc.scrollingElement || doc.documentElement);
      const vh = iframe.clientHeight || 1;
      const total = Math.max(vh, root ? root.scrollHeight : vh);
      const top = root ? root.scrollTop : 0;
      const thumb = /** @type {HTMLElement} */ (gauge.firstChild);
      gauge.style.height = stage.style.height;
      thumb.style.top = (100 * top / total).toFixed(2) + '%';
      thumb.style.height = Math.max(4, 100 * vh / total).toFixed(2) + '%';
      gauge.hidden = total <= vh + 1;
      gauge.setAttribute('data-scroll-top', String(Math.round(top)));
      const s = handle ? handle.scale : 1;
      const vw = iframe.clientWidth;
      const text = tr('cbv.window', { w: String(vw), h: String(vh) }) + (s < 1 ? tr('cbv.shownAt', { pct: Math.round(s * 100) }) : '')
        + (total > vh + 1 ? tr('cbv.scrolled', { top: String(Math.round(top)), of: String(Math.round(total - vh)) }) : '');
      if (label.textContent !== text) label.textContent = text;
      area.style.setProperty('--sc-inv', String(1 / (s || 1))); // the pointer keeps its size on screen
    }

    // ---- the mirror: the chat widget placeholder, our pointer styles ----
    function onMirror(m) {
      mirror = m;
      if (!m) { mirrorState = 'live'; mode(); return; }
      const inject = () => {
        let doc;
        try { doc = m.iframe.contentDocument; } catch (x) { return; }
        if (!doc || !doc.documentElement || doc.querySelector('style[data-sc-view]')) return;
        const style = doc.createElement('style');
        style.setAttribute('data-sc-view', '');
        doc.documentElement.insertBefore(style, doc.head || doc.documentElement.firstChild);
        WIDGET_RULES.forEach((r, i) => { try { style.sheet.insertRule(r, i); } catch (x) { /* an old engine */ } });
      };
      try { m.replayer.on('fullsnapshot-rebuilded', inject); } catch (x) { /* no events: inject once below */ }
      inject();
      if (typeof m.onState === 'function') m.onState(setMirrorState); // the mirror helper's interface
      mode();
    }

    // ---- the chat beside it ----
    async function info() {
      clearTimeout(infoTimer);
      if (!alive || !id || !(state === 'active' || state === 'waiting-consent')) return;
      const mine = id;
      try {
        const r = await api('GET', '/cobrowse/' + encodeURIComponent(mine));
        if (mine !== id) return;
        chatId = r && typeof r.chat_id === 'string' ? r.chat_id : null;
        if (r && r.tab && !tab) onTab(r.tab);
        showChat();
      } catch (x) { /* 404: it ended (the state message says so) */ }
      if (alive && mine === id) infoTimer = setTimeout(info, INFO_MS);
    }

    function showChat() {
      d.querySelectorAll('[data-cobrowsing]').forEach((n) => n.removeAttribute('data-cobrowsing'));
      section.setAttribute('data-chat', chatId || '');
      if (!chatId) {
        chatNote.textContent = tr('cbv.noChat');
        chatNote.setAttribute('data-kind', 'none');
        return;
      }
      chatNote.textContent = tr('cbv.chat');
      chatNote.setAttribute('data-kind', 'chat');
      const sel = '[data-chat="' + CSS.escape(chatId) + '"]';
      d.querySelectorAll('[data-testid="chat-tab"]' + sel + ',[data-testid="chat-pane"]' + sel) // the tab is in the list column
        .forEach((n) => n.setAttribute('data-cobrowsing', ''));
      const button = /** @type {HTMLElement | null} */ (d.querySelector('[data-testid="chat-tab"]' + sel));
      if (button && picked !== chatId) {
        picked = chatId;
        if (button.getAttribute('aria-selected') !== 'true') button.click();
      }
    }

    // ---- the hooks cobrowse.js calls ----
    const hooks = {
      state(s, reason, cobrowseId) {
        const was = state;
        state = s;
        if (cobrowseId !== id) {
          id = cobrowseId;
          tabs.clear(); tab = null; heartbeats = false; chatId = undefined; picked = null;
          bestDelay = Infinity; lag = 0;
        }
        if (s === 'active' && was !== 'active') lastHeard = Date.now();
        if (s !== 'active' && s !== 'waiting-consent') { dashboard = false; clearTimeout(infoTimer); }
        else if (was !== 'active' && was !== 'waiting-consent') info();
        mode();
        freshness();
      },
      message(kind, p) {
        if (kind === 'events') heard(p);
        else if (kind === 'tab') onTab(p);
        freshness();
      },
      mirror: onMirror,
      room() {
        const pad = 12;
        const above = Math.max(24, label.offsetHeight);
        return { width: Math.max(120, area.clientWidth - 2 * pad - 14), height: Math.max(120, area.clientHeight - 2 * pad - above) };
      },
    };

    dash.addEventListener('click', () => { dashboard = !dashboard; mode(); });
    w.addEventListener('resize', refit);
    timers.push(setInterval(freshness, 500));

    return {
      area: area,
      hooks: hooks,
      attach(h, panel) {
        handle = h;
        bar = (panel || d).querySelector('.sc-cb-bar');
        barHome = bar && bar.parentNode;
        mode();
      },
      destroy() {
        alive = false;
        timers.forEach(clearInterval);
        timers = [];
        clearTimeout(infoTimer);
        if (ro) ro.disconnect();
        mo.disconnect();
        w.removeEventListener('resize', refit);
        chatNote.remove();
        if (bar && barHome && bar.parentNode !== barHome) barHome.append(bar);
        section.hidden = true;
        d.body.removeAttribute('data-cobrowse');
      },
    };
  }

  return { create: create };
})(window, document);
