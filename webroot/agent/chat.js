/*! SiteConnect agent console: the chat inbox (docs/PROTOCOL.md "Chat", docs/REST.md, docs/CONSOLE.md).
 * scChat.mount({list, panes, context}, {token, me, bridge, onUnauthorized?, onCounts?, onNewWaiting?})
 *   → {acceptOldest(), endCurrent(), step(±1), current(), destroy()}
 *   list:    the left column: waiting, mine (one tab per conversation, unread badges), colleagues', past chats,
 *            left messages; panes: the middle column (the open conversation, or a transcript);
 *   context: the right column, filled by renderVisitorContext (context.js) for the open conversation.
 *   onCounts({waiting, unread}) after every change; onNewWaiting(q) for each chat that starts waiting while mounted.
 *   bridge: {subscribe(filter, fn(payload, topic, info)), publish(topic, payload), onLive?(fn)}
 * The waiting queue and every line come over the bridge ($agents/<site>/chat_queue/<button>, …/chats/<button>/<id>/…); REST
 * accepts, sends (a cid per line, resent until stored), reads transcripts and left messages, and fills any gap
 * after a reconnect. Lines are shown by seq, never twice. Text only: textContent, never innerHTML. */
// @ts-check
import { scUi } from './ui.js';
import { foreign } from '../shared/dom.js';
import { t as tr } from './lang.js'; // tr: a local 't' is often a token or a time here
import { Transcript } from '../shared/transcript.js';
import { openSnapshot } from './snapshot.js';
import { renderVisitorContext } from './context.js';
import { scTranscripts } from './transcripts.js';
import { scTools } from './tools.js';
import { visitorContexts, contextFields, labelOf } from './visitor-context.js';

export const scChat = (function (w, d) {
  const MAX_BYTES = 4096; // the gateway's default chat.maxMessageBytes; it checks again
  const QUIET_MS = 3000; // typing:false after this long without a keystroke
  const REPEAT_MS = 2500; // typing:true at most this often
  const THEIRS_MS = 15000; // the visitor's indicator fades if no update comes
  const LEFT_MS = 30000; // left messages have no topic: poll
  const enc = new TextEncoder();

  const { el, show, cap } = scUi;
  function time(ms) {
    const t = new Date(ms);
    return isNaN(t.getTime()) ? '' : t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function when(ms) {
    const t = new Date(ms);
    return isNaN(t.getTime()) ? '' : t.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
  }
  function cid() {
    const b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }
  const seg = encodeURIComponent;

  function mount(where, opts) {
    const token = opts.token;
    const bridge = opts.bridge;
    const me = opts.me || {};
    const login = me.login;
    const mine = new Set((me.buttons || []).map((b) => (typeof b === 'string' ? b : b.site + '/' + b.id)));
    const names = new Map((me.buttons || []).filter((b) => b && typeof b === 'object')
      .map((b) => [b.site + '/' + b.id, b.name || b.id]));
    const queues = new Map(); // 'site/button' -> [{id, button, createdAt}] (my buttons only)
    const chats = new Map(); // id -> open chat (accepted by me)
    const colleagues = new Map(); // id -> chat record (active, another agent's)
    const seenWaiting = new Set(); // chat ids seen in the queue (a new one may alert the agent)
    let queueKnown = false; // the first queue answer is what was waiting already: no alert for it
    let waitingNow = []; // the queue as shown, oldest first
    const timers = [];
    let current = null;
    let alive = true;

    // ---- REST ----
    const api = scUi.rest({ token: () => token, message: cap,
      onUnauthorized: () => { if (alive && opts.onUnauthorized) opts.onUnauthorized(); } });
    const tools = scTools.create(api, { update: (c, rec) => update(c, rec) }); // transfer, canned responses (tools.js)

    // ---- the skeleton: the list (left), the conversation (middle), the context (right) ----
    const queueList = el('ul', { class: 'scc-queue', 'data-testid': 'chat-queue' });
    const queueCount = el('span', { class: 'badge', 'data-testid': 'queue-count', text: '0' });
    const queueEmpty = el('p', { class: 'muted small', text: tr('ws.nobodyIsWaiting') });
    const queueError = el('p', { class: 'error', role: 'alert', 'data-testid': 'queue-error', hidden: true });
    const tabs = el('div', { class: 'scc-tabs', role: 'tablist', 'aria-label': tr('ws.myConversations'),
      'aria-orientation': 'vertical', 'data-testid': 'chat-tabs' });
    const mineCount = el('span', { class: 'badge', 'data-testid': 'mine-count', text: '0' });
    const mineEmpty = el('p', { class: 'muted small', text: tr('ws.noneOpenAcceptA') });
    const othersList = el('ul', { class: 'scc-others', 'data-testid': 'colleague-chats' });
    const othersCount = el('span', { class: 'badge', 'data-testid': 'colleague-count', text: '0' });
    const othersEmpty = el('p', { class: 'muted small', text: tr('ws.noColleagueIsChatting') });
    const panes = el('div', { class: 'scc-panes' });
    const openEmpty = el('div', { class: 'scc-empty', 'data-testid': 'conversation-empty' },
      el('p', { class: 'scc-empty-title', text: tr('ws.noConversationOpen') }),
      el('p', { class: 'muted', text: tr('ws.emptyHint') }));
    const pastBody = el('ul', { class: 'scc-past', 'data-testid': 'past-chats' });
    const pastError = el('p', { class: 'error', role: 'alert', hidden: true });
    const transcriptTitle = el('h3', { 'data-testid': 'transcript-title' });
    const transcriptLog = el('ol', { class: 'scc-log', 'data-testid': 'transcript-log' });
    const transcriptClose = el('button', { type: 'button', class: 'small', 'data-testid': 'transcript-close', text: tr('ws.close') });
    const transcript = el('section', { class: 'scc-transcript scc-pane', 'data-testid': 'transcript', hidden: true,
      'aria-labelledby': 'scc-transcript-title' },
    el('div', { class: 'scc-pane-head' }, el('span', { class: 'scc-who' }, transcriptTitle), el('span', { class: 'scc-state', text: tr('ws.readOnly') }),
      transcriptClose),
    transcriptLog);
    transcriptTitle.id = 'scc-transcript-title';
    const leftList = el('ul', { class: 'scc-left', 'data-testid': 'left-messages' });
    const leftCount = el('span', { class: 'badge', 'data-testid': 'left-count', text: '0' });
    const leftError = el('p', { class: 'error', role: 'alert', hidden: true });
    const refreshPast = el('button', { type: 'button', class: 'small', text: tr('ws.refresh') });
    const refreshLeft = el('button', { type: 'button', class: 'small', text: tr('ws.refresh') });
    const past = el('details', { class: 'scc-section', 'data-testid': 'chat-history' },
      el('summary', {}, tr('ws.pastChats')),
      el('div', { class: 'row end' }, refreshPast), pastError, pastBody);
    const left = el('details', { class: 'scc-section', 'data-testid': 'left-panel' },
      el('summary', {}, tr('ws.leftMessages') + ' ', leftCount), el('div', { class: 'row end' }, refreshLeft), leftError, leftList);
    const group = (label, count, ...body) => el('section', { class: 'scc-section scc-group', 'aria-label': label },
      el('h3', {}, label + ' ', count), ...body);
    where.list.replaceChildren(el('div', { class: 'scc scc-list', 'data-testid': 'chat-module' },
      group(tr('ws.waiting'), queueCount, queueList, queueEmpty, queueError),
      group(tr('ws.mine'), mineCount, tabs, mineEmpty),
      group('Colleagues\u2019', othersCount, othersList, othersEmpty),
      past, left));
    where.panes.replaceChildren(panes, transcript, openEmpty);
    const context = where.context;
    renderVisitorContext(context, null);

    /** The counts the workspace shows (total badge, title): chats waiting on my buttons, unread lines. */
    function counts() {
      let unread = 0;
      chats.forEach((c) => { unread += c.unread; });
      const n = { waiting: waitingNow.length, unread: unread };
      if (opts.onCounts) opts.onCounts(n);
      return n;
    }

    // ---- the queue ----
    function renderQueue() {
      const all = [];
      queues.forEach((list, ref) => list.forEach((q) => all.push({ site: ref.split('/')[0], id: q.id, button: q.button, createdAt: q.createdAt })));
      all.sort((a, b) => a.createdAt - b.createdAt); // oldest first
      waitingNow = all;
      const keep = new Map(Array.from(queueList.children, (li) => [li.getAttribute('data-chat'), li]));
      queueList.replaceChildren(...all.map(function (q) {
        let li = keep.get(q.id);
        if (!li) {
          const accept = el('button', { type: 'button', class: 'small primary', 'data-testid': 'chat-accept', text: tr('ws.accept'),
            'aria-label': tr('ws.acceptOn', { button: names.get(q.site + '/' + q.button) || q.button }) });
          const qName = el('span', { class: 'scc-q-name', text: names.get(q.site + '/' + q.button) || q.button });
          relabel(qName, q.id, ' · ' + (names.get(q.site + '/' + q.button) || q.button));
          li = el('li', { 'data-testid': 'queued-chat', 'data-chat': q.id }, qName,
            el('span', { class: 'muted small', 'data-created': q.createdAt }), accept);
          accept.addEventListener('click', () => acceptChat(q.id, accept));
        }
        return li;
      }));
      ageQueue();
      queueCount.textContent = String(all.length);
      queueEmpty.hidden = all.length > 0;
      all.forEach(function (q) {
        if (seenWaiting.has(q.id)) return;
        seenWaiting.add(q.id);
        if (queueKnown && opts.onNewWaiting) opts.onNewWaiting({ id: q.id, site: q.site, button: q.button,
          buttonName: names.get(q.site + '/' + q.button) || q.button });
      });
      counts();
    }
    function ageQueue() {
      queueList.querySelectorAll('[data-created]').forEach(function (s) {
        const sec = Math.max(0, Math.round((Date.now() - Number(s.getAttribute('data-created'))) / 1000));
        s.textContent = tr('ws.waitingFor', { time: sec < 60 ? tr('ctx.sec', { n: sec }) : tr('ctx.min', { n: Math.floor(sec / 60) }) });
      });
    }

    // ---- the visitor context (docs/CONTEXT.md): labels and the right column, refreshed while shown ----
    const vctx = visitorContexts(api);
    function relabel(/** @type {Element | null} */ node, /** @type {string} */ id, /** @type {string} */ suffix) {
      vctx.get(id).then((data) => { const l = labelOf(data); if (l && node) node.replaceChildren(...l, suffix); });
    }

    async function acceptChat(id, button) {
      button.disabled = true;
      show(queueError);
      try {
        const chat = await api('POST', '/chats/' + seg(id) + '/accept');
        select(open(chat).id);
        catchUp(chats.get(chat.id));
      } catch (e) {
        const li = queueList.querySelector('[data-chat="' + CSS.escape(id) + '"]');
        if (e.status === 409) {
          show(queueError, tr('ws.takenByOther'));
          if (li) li.remove();
        } else if (e.status === 404) {
          show(queueError, tr('ws.noLongerWaiting'));
          if (li) li.remove();
        } else {
          show(queueError, e.message);
          button.disabled = false;
        }
        waitingNow = waitingNow.filter((q) => q.id !== id || (li && li.isConnected));
        queueCount.textContent = String(queueList.children.length);
        queueEmpty.hidden = queueList.children.length > 0;
        counts();
      }
    }

    // ---- open chats ----
    function open(rec) {
      let c = chats.get(rec.id);
      if (c) { update(c, rec); return c; }
      c = { id: rec.id, site: rec.site, button: rec.button, pending: new Map(),
        typingOut: 0, quietT: 0, theirsT: 0, gapT: 0, unread: 0 };
      const buttonName = names.get(rec.site + '/' + rec.button) || rec.button;
      c.preview = el('span', { class: 'scc-tab-preview muted small', 'data-testid': 'chat-preview', text: tr('ws.started', { time: time(rec.createdAt) }) });
      c.tab = el('button', { type: 'button', role: 'tab', class: 'scc-tab', 'data-testid': 'chat-tab', 'data-chat': rec.id,
        'aria-controls': 'scc-pane-' + rec.id, id: 'scc-tab-' + rec.id },
      el('span', { class: 'scc-tab-line' }, el('span', { class: 'scc-tab-name', text: tr('ws.visitorOnSite', { site: rec.site, button: buttonName }) }),
        el('span', { class: 'muted small', text: time(rec.createdAt) }),
        c.badge = el('span', { class: 'badge scc-unread', 'data-testid': 'chat-unread', hidden: true })),
      c.preview);
      c.tab.addEventListener('click', () => select(c.id));
      c.state = el('span', { class: 'scc-state', 'data-testid': 'chat-state' });
      c.end = el('button', { type: 'button', class: 'small', 'data-testid': 'chat-end', text: tr('ws.endChat'),
        'aria-keyshortcuts': 'Alt+E', title: tr('ws.endChatShortcut') });
      c.close = el('button', { type: 'button', class: 'small', 'data-testid': 'chat-close', text: tr('ws.close'), hidden: true });
      c.log = el('ol', { class: 'scc-log', 'aria-label': tr('ws.conversation'), 'data-testid': 'chat-log' }); // read out: a11y.js
      c.lines = new Transcript(c.log);
      c.typing = el('p', { class: 'scc-typing', 'data-testid': 'visitor-typing', hidden: true, text: tr('ws.theVisitorIsTyping') });
      c.presence = el('span', { class: 'scc-presence muted small', 'data-testid': 'visitor-presence', 'aria-live': 'polite' });
      c.input = el('textarea', { rows: 2, 'aria-label': tr('ws.yourMessage'), placeholder: tr('ws.typeAMessageEnter'),
        'data-testid': 'chat-input' });
      c.send = el('button', { type: 'submit', class: 'primary', 'data-testid': 'chat-send', text: tr('ws.send') });
      // files (docs/ATTACHMENTS.md): attach one from the composer; lines announcing one show it
      c.files = /** @type {any} */ (w).scAttachments({ base: () => '/api/v1/chats/' + seg(c.id) + '/attachments',
        headers: () => ({ Authorization: 'Bearer ' + token }) });
      c.filePick = el('input', { type: 'file', hidden: true, 'data-testid': 'chat-file',
        accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf' });
      c.attach = el('button', { type: 'button', class: 'scc-attach', title: tr('ws.attachAFile'), 'aria-label': tr('ws.attachAFile'),
        'data-testid': 'chat-attach', text: tr('ws.attach') });
      c.attach.addEventListener('click', () => c.filePick.click());
      c.filePick.addEventListener('change', function () {
        const f = c.filePick.files && c.filePick.files[0];
        c.filePick.value = '';
        if (!f) return;
        show(c.error, '');
        c.files.upload(f, f.name).catch((x) => show(c.error, tr('chat.notSent', { reason: x.message })));
      });
      c.form = el('form', { class: 'scc-form', 'aria-label': tr('ws.reply') }, c.attach, c.filePick, c.input, c.send);
      c.error = el('p', { class: 'error', role: 'alert', 'data-testid': 'chat-error', hidden: true });
      c.pane = el('section', { class: 'scc-pane', role: 'tabpanel', 'data-testid': 'chat-pane', 'data-chat': rec.id, hidden: true,
        id: 'scc-pane-' + rec.id, 'aria-labelledby': 'scc-tab-' + rec.id },
      el('div', { class: 'scc-pane-head' },
        el('h2', { class: 'scc-who', text: tr('ws.visitorOnSite', { site: rec.site, button: buttonName }) }),
        c.presence, c.state, scTranscripts.button(rec.id, () => token), c.end, c.close),
      c.log, c.typing, c.form, c.error);
      c.form.addEventListener('submit', function (e) {
        e.preventDefault();
        sendLine(c);
      });
      c.input.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing) { // Enter and Ctrl/Cmd+Enter send
          e.preventDefault();
          c.form.requestSubmit();
        }
      });
      tools.attach(c);
      c.input.addEventListener('input', () => typed(c));
      c.end.addEventListener('click', () => endChat(c));
      c.close.addEventListener('click', () => closeChat(c));
      chats.set(c.id, c);
      tabs.append(c.tab);
      panes.append(c.pane);
      mineShown();
      update(c, rec);
      if (current == null) select(c.id);
      return c;
    }

    function mineShown() {
      mineEmpty.hidden = chats.size > 0;
      mineCount.textContent = String(chats.size);
      openEmpty.hidden = current != null || !transcript.hidden;
    }

    function update(c, rec) {
      c.rec = rec;
      const gone = rec.state !== 'ended' && rec.agent !== login; // transferred to a colleague or a queue
      const ended = rec.state === 'ended' || gone;
      c.pane.setAttribute('data-state', gone ? 'transferred' : rec.state);
      c.tab.setAttribute('data-state', gone ? 'transferred' : rec.state);
      c.state.textContent = gone ? tr('ws.transferredTo', { to: rec.agentName || rec.agent || names.get(rec.site + '/' + rec.button) || rec.button })
        : ended ? (rec.endedBy ? tr('chat.endedBy.' + rec.endedBy, null, 'Ended by ' + rec.endedBy.replace('-', ' ')) : tr('chat.state.ended'))
        : tr('chat.state.active');
      c.form.hidden = c.end.hidden = c.transferBtn.hidden = ended;
      c.close.hidden = !ended;
      if (ended) {
        theirTyping(c, false);
        c.pending.forEach((p) => { clearTimeout(p.retry); p.li.setAttribute('data-state', 'failed'); });
        c.pending.clear();
        c.preview.textContent = c.state.textContent;
      }
      if (current === c.id) showContext(c);
      labels(c);
    }
    function labels(c) {
      relabel(c.tab.querySelector('.scc-tab-name'), c.id, ' · ' + buttonOf(c));
      relabel(c.pane.querySelector('.scc-who'), c.id, ' · ' + buttonOf(c));
    }
    const buttonOf = (c) => names.get(c.site + '/' + c.button) || c.button;

    /** The visitor's context of the open conversation (what the chat record says; context.js renders it). */
    function showContext(c) {
      const r = c.rec || {};
      const base = {
        site: r.site, button: r.button, buttonName: names.get(r.site + '/' + r.button) || r.button,
        state: r.state === 'ended' ? c.state.textContent : r.state, startedAt: r.createdAt, acceptedAt: r.acceptedAt,
        agentName: r.agentName || r.agent,
      };
      if (!context.querySelector('[data-chat-context="' + CSS.escape(c.id) + '"]')) renderVisitorContext(context, base);
      vctx.get(c.id).then(function (data) {
        if (current !== c.id || !data) return;
        renderVisitorContext(context, Object.assign(base, contextFields(data)));
        context.firstElementChild?.setAttribute('data-chat-context', c.id);
      });
    }

    function select(id) {
      const c = chats.get(id);
      if (!c) return;
      current = id;
      transcript.hidden = true;
      transcript.removeAttribute('data-chat');
      chats.forEach(function (x) {
        const on = x.id === id;
        x.pane.hidden = !on;
        x.tab.setAttribute('aria-selected', String(on));
        x.tab.tabIndex = on ? 0 : -1;
      });
      if (!d.hidden) markRead(c);
      openEmpty.hidden = true;
      showContext(c);
      c.log.scrollTop = c.log.scrollHeight;
      if (!c.form.hidden) c.input.focus(); else c.tab.focus();
    }
    function markRead(c) {
      c.unread = 0;
      c.badge.hidden = true;
      c.tab.removeAttribute('data-unread');
      counts();
    }
    // Back to this tab: the open conversation is read now.
    function visible() {
      if (!d.hidden && current != null && chats.get(current)) markRead(chats.get(current));
    }
    d.addEventListener('visibilitychange', visible);

    function closeChat(c) {
      chats.delete(c.id);
      c.tab.remove();
      c.pane.remove();
      if (current === c.id) {
        current = null;
        const next = chats.keys().next();
        if (!next.done) select(next.value);
        else renderVisitorContext(context, null);
      }
      mineShown();
      counts();
    }

    /** The next (+1) or previous (−1) of my conversations, in the list's order, wrapping around. */
    function step(by) {
      const ids = Array.from(tabs.children, (t) => t.getAttribute('data-chat'));
      if (!ids.length) return null;
      const at = ids.indexOf(current);
      const next = ids[at < 0 ? (by > 0 ? 0 : ids.length - 1) : (at + by + ids.length) % ids.length];
      select(next);
      return next;
    }

    // ---- colleagues' conversations (read only: their transcript opens in the middle) ----
    function colleague(rec) {
      if (!rec || !rec.id) return;
      if (rec.state === 'active' && rec.agent && rec.agent !== login && mine.has(rec.site + '/' + rec.button)) colleagues.set(rec.id, rec);
      else colleagues.delete(rec.id);
      renderColleagues();
    }
    function renderColleagues() {
      const list = Array.from(colleagues.values()).sort((a, b) => a.createdAt - b.createdAt);
      othersList.replaceChildren(...list.map(function (r) {
        const view = el('button', { type: 'button', class: 'scc-other', 'data-testid': 'colleague-chat', 'data-chat': r.id },
          el('span', { class: 'scc-tab-name', text: (r.agentName || r.agent) + ' · ' + (names.get(r.site + '/' + r.button) || r.button) }),
          el('span', { class: 'muted small', text: tr('ws.since', { time: time(r.acceptedAt || r.createdAt) }) }));
        view.addEventListener('click', () => openTranscript(r));
        return el('li', {}, view);
      }));
      othersCount.textContent = String(list.length);
      othersEmpty.hidden = list.length > 0;
    }

    // ---- lines ----
    function lineEl(m) {
      const who = m.from === 'agent' ? (m.name === me.name ? tr('ws.nameYou', { name: m.name || tr('ws.agent') }) : m.name || tr('ws.agent'))
        : m.from === 'visitor' ? tr('ws.visitor') : '';
      return el('li', { class: 'scc-msg', 'data-from': m.from, 'data-seq': m.seq, 'data-cid': m.cid || null },
        el('span', { class: 'scc-meta', text: who + (m.at ? ' · ' + time(m.at) : '') }),
        el('span', { class: 'scc-text', 'data-testid': 'chat-text' }, foreign(m.text)));
    }
    function render(c, m) {
      if (!m || typeof m.seq !== 'number' || typeof m.text !== 'string' || c.lines.has(m.seq)) return;
      const mineLine = m.from === 'agent' && m.cid && c.pending.get(m.cid);
      if (mineLine) settled(c, m.cid);
      const li = lineEl(m);
      c.files.decorate(li, m, (a) => { c.files.blob(a).then((b) => openSnapshot(b, a.name)).catch(() => {}); },
        (name) => foreign(name, 60));
      if (m.from !== 'system') c.preview.replaceChildren(m.from !== 'agent' ? '' : m.name && m.name !== me.name ? m.name + ': ' : tr('ws.youColon'),
        foreign(m.text, 80));
      if (c.lines.add(m.seq, li)) { // a line is missing: fetch what follows the last one we have, once things settle
        clearTimeout(c.gapT);
        c.gapT = setTimeout(() => { if (c.lines.hasGap()) catchUp(c); }, 1000);
      }
      if (m.from === 'visitor') {
        theirTyping(c, false);
        if (current !== c.id || d.hidden) {
          c.unread++;
          c.badge.textContent = String(c.unread);
          c.badge.setAttribute('aria-label', tr('ws.unreadN', { count: c.unread }));
          c.badge.hidden = false;
          c.tab.setAttribute('data-unread', String(c.unread));
          counts();
        }
      }
      c.log.scrollTop = c.log.scrollHeight;
    }
    function settled(c, id) { // our line is stored: stop resending, drop its placeholder
      const p = c.pending.get(id);
      if (!p) return;
      clearTimeout(p.retry);
      p.li.remove();
      c.pending.delete(id);
    }

    async function catchUp(c) {
      if (!c || !alive) return;
      try {
        const r = await api('GET', '/chats/' + seg(c.id) + '/messages?after=' + c.lines.lastSeq);
        if (!alive || chats.get(c.id) !== c) return;
        (r.messages || []).forEach((m) => render(c, m));
        tools.notes(c, r.transfers);
        if (r.chat) update(c, r.chat);
      } catch (e) {
        if (e.status !== 401) show(c.error, e.message);
      }
    }

    function sendLine(c) {
      const text = c.input.value;
      if (!text.trim()) return show(c.error, tr('ws.typeFirst'));
      const n = enc.encode(text).length;
      if (n > MAX_BYTES) return show(c.error, tr('ws.tooLong', { n: String(n), max: String(MAX_BYTES) }));
      show(c.error);
      const p = { cid: cid(), text: text, tries: 0, retry: 0 };
      p.li = el('li', { class: 'scc-msg', 'data-from': 'agent', 'data-state': 'sending', 'data-cid': p.cid },
        el('span', { class: 'scc-meta', text: tr('ws.youSending') }), el('span', { class: 'scc-text' }, foreign(text)));
      c.log.append(p.li);
      c.log.scrollTop = c.log.scrollHeight;
      c.pending.set(p.cid, p);
      c.input.value = '';
      stopTyping(c);
      post(c, p);
    }

    async function post(c, p) {
      try {
        const r = await api('POST', '/chats/' + seg(c.id) + '/messages', { cid: p.cid, text: p.text });
        if (!c.pending.has(p.cid)) return; // its line came over the bridge first
        settled(c, p.cid);
        if (r && typeof r.seq === 'number' && !c.lines.has(r.seq)) {
          render(c, { seq: r.seq, cid: p.cid, from: 'agent', name: me.name, text: p.text, at: Date.now() });
        }
      } catch (e) {
        if (!alive || !c.pending.has(p.cid)) return;
        if (e.status === 0 || e.status >= 500 || e.status === 429) { // not refused: try again (the cid stays the same)
          p.tries++;
          p.li.setAttribute('data-state', 'retrying');
          p.li.firstChild.textContent = tr('ws.retrying');
          p.retry = setTimeout(() => post(c, p), Math.min(10000, 500 * Math.pow(2, p.tries)));
          return;
        }
        settled(c, p.cid); // refused for good: give the text back
        if (!c.input.value) c.input.value = p.text;
        show(c.error, e.message);
      }
    }

    // ---- typing, both ways ----
    function typed(c) {
      if (c.form.hidden) return;
      if (!c.input.value) return stopTyping(c);
      const now = Date.now();
      if (now - c.typingOut > REPEAT_MS) {
        c.typingOut = now;
        api('POST', '/chats/' + seg(c.id) + '/typing', { typing: true }).catch(() => {});
      }
      clearTimeout(c.quietT);
      c.quietT = setTimeout(() => stopTyping(c), QUIET_MS);
    }
    function stopTyping(c) {
      clearTimeout(c.quietT);
      if (!c.typingOut) return;
      c.typingOut = 0;
      api('POST', '/chats/' + seg(c.id) + '/typing', { typing: false }).catch(() => {});
    }
    function theirTyping(c, on) {
      clearTimeout(c.theirsT);
      c.typing.hidden = !on;
      if (on) c.theirsT = setTimeout(() => theirTyping(c, false), THEIRS_MS);
    }

    async function endChat(c) {
      c.end.disabled = true;
      stopTyping(c);
      try {
        await api('POST', '/chats/' + seg(c.id) + '/end');
        update(c, Object.assign({}, c.rec, { state: 'ended', endedBy: 'agent' }));
        loadPast();
      } catch (e) {
        show(c.error, e.message);
      } finally {
        c.end.disabled = false;
      }
    }

    // ---- past chats and transcripts ----
    async function loadPast() {
      let list;
      try {
        list = await api('GET', '/chats');
      } catch (e) {
        if (alive) show(pastError, e.message);
        return null;
      }
      if (!alive) return null;
      show(pastError);
      pastBody.replaceChildren(...(list || []).filter((c) => c.state !== 'waiting').map(function (c) {
        const view = el('button', { type: 'button', class: 'small', 'data-testid': 'transcript-open', text: tr('ws.transcript') });
        view.addEventListener('click', () => openTranscript(c));
        return el('li', { 'data-testid': 'past-chat', 'data-chat': c.id, 'data-state': c.state },
          el('span', { class: 'scc-past-what' },
            el('span', { class: 'scc-tab-name', text: (names.get(c.site + '/' + c.button) || c.site + '/' + c.button) + ' · ' + when(c.createdAt) }),
            el('span', { class: 'muted small', text: (c.agentName || c.agent || tr('ws.nobody')) + ' · ' + c.state + (c.rating ? ' · ' + c.rating + '★' : '') })),
          view);
      }));
      colleagues.clear();
      (list || []).forEach(colleague);
      renderColleagues();
      return list;
    }
    async function openTranscript(c) {
      current = null;
      chats.forEach(function (x) {
        x.pane.hidden = true;
        x.tab.setAttribute('aria-selected', 'false');
      });
      openEmpty.hidden = true;
      transcript.hidden = false;
      transcript.setAttribute('data-chat', c.id);
      transcriptTitle.textContent = tr('ws.transcriptOf', { button: names.get(c.site + '/' + c.button) || c.button, when: when(c.createdAt) });
      renderVisitorContext(context, { site: c.site, button: c.button, buttonName: names.get(c.site + '/' + c.button) || c.button,
        state: c.state, startedAt: c.createdAt, acceptedAt: c.acceptedAt, agentName: c.agentName || c.agent });
      transcriptLog.replaceChildren();
      try {
        const r = await api('GET', '/chats/' + seg(c.id) + '/messages');
        if (transcript.getAttribute('data-chat') !== c.id) return;
        transcriptLog.replaceChildren(...(r.messages || []).map(lineEl));
      } catch (e) {
        transcriptLog.replaceChildren(el('li', { class: 'error', text: e.message }));
      }
    }

    transcriptClose.addEventListener('click', function () {
      transcript.hidden = true;
      transcript.removeAttribute('data-chat');
      if (chats.size) select(chats.keys().next().value);
      else { openEmpty.hidden = false; renderVisitorContext(context, null); }
    });

    // ---- left messages ----
    async function loadLeft() {
      let list;
      try {
        list = await api('GET', '/messages');
      } catch (e) {
        if (alive) show(leftError, e.message);
        return;
      }
      if (!alive) return;
      show(leftError);
      list = (list || []).slice().sort((a, b) => b.at - a.at);
      leftCount.textContent = String(list.length);
      leftList.replaceChildren(...list.map((m) => el('li', { 'data-testid': 'left-message', 'data-id': m.id },
        el('div', { class: 'scc-meta' }, el('b', {}, m.name ? foreign(m.name, 80) : tr('ws.anonymous')),
          m.contact ? [' · ', foreign(m.contact, 80)] : '', ' · ' + (names.get(m.site + '/' + m.button) || m.button || m.site) + ' · ' + when(m.at)),
        el('p', { class: 'scc-text', 'data-testid': 'left-text' }, foreign(m.text)))));
      if (!list.length) leftList.append(el('li', { class: 'muted small', text: tr('ws.noMessages') }));
    }

    // ---- the bridge ----
    function onQueue(ref, payload, info) {
      const site = ref.split('/')[0];
      const list = payload && Array.isArray(payload.waiting) ? payload.waiting : [];
      queues.set(ref, list.filter((q) => q && mine.has(site + '/' + q.button)));
      renderQueue();
      queueKnown = queueKnown || queues.size >= mine.size;
      if (info && info.retained) chats.forEach(catchUp); // a (re)subscription: fill what we missed meanwhile
    }
    function onChat(site, topic, payload) {
      const parts = topic.split('/'); // $agents/<site>/chats/<button>/<id>/<what>
      const c = chats.get(parts[4]);
      if (parts[5] === 'state' && payload && typeof payload === 'object') {
        colleague(payload);
        if (c) update(c, payload);
        else if (payload.state === 'active' && payload.agent === login) { open(payload); catchUp(chats.get(payload.id)); }
        if (payload.state === 'ended') loadPast();
      } else if (!c) {
        return; // another agent's chat
      } else if (parts[5] === 'message') {
        render(c, payload);
      } else if (parts[5] === 'typing') {
        theirTyping(c, !!(payload && payload.typing));
      } else if (parts[5] === 'transferred') {
        tools.notes(c, [payload]);
      }
    }
    // The visitor's presence in my chats (docs/LIFECYCLE.md): reading, away, left, back.
    const PRESENCE = { reading: 1, away: 1, left: 1, back: 1 }; // said as presence.<state> (docs/I18N.md)
    function onPresence(payload) {
      const c = payload && typeof payload === 'object' ? chats.get(payload.chat_id) : null;
      if (!c || !Object.hasOwn(PRESENCE, payload.presence)) return;
      c.presence.dataset.presence = payload.presence;
      c.presence.textContent = tr('presence.' + payload.presence);
    }
    new Set(Array.from(mine, (ref) => ref.split('/')[0])).forEach(function (site) {
      bridge.subscribe('$agents/' + site + '/visitor/' + login + '/#', (p) => onPresence(p));
    });
    // Per button: the gateway lets an agent read the queue and the chats of the buttons it serves only.
    mine.forEach(function (ref) {
      const [site, button] = ref.split('/');
      bridge.subscribe('$agents/' + site + '/chat_queue/' + button, (p, t, info) => onQueue(ref, p, info));
      bridge.subscribe('$agents/' + site + '/chats/' + button + '/#', (p, t) => onChat(site, t, p));
    });
    if (typeof bridge.onLive === 'function') bridge.onLive(() => chats.forEach(catchUp));

    refreshPast.addEventListener('click', loadPast);
    refreshLeft.addEventListener('click', loadLeft);
    past.addEventListener('toggle', () => { if (past.open) loadPast(); });
    left.addEventListener('toggle', () => { if (left.open) loadLeft(); });

    // Start: my open chats and, until the bridge brings the queue, the waiting ones from REST.
    loadPast().then(function (list) {
      (list || []).forEach(function (c) {
        if (c.state === 'active' && c.agent === login && !chats.has(c.id)) { open(c); catchUp(chats.get(c.id)); }
      });
      if (current == null && chats.size) select(chats.keys().next().value);
      const waiting = (list || []).filter((c) => c.state === 'waiting' && mine.has(c.site + '/' + c.button));
      mine.forEach(function (ref) {
        if (!queues.has(ref)) queues.set(ref, waiting.filter((c) => c.site + '/' + c.button === ref));
      });
      renderQueue();
      queueKnown = true; // from now on a chat that starts waiting is new
    });
    loadLeft();
    timers.push(setInterval(ageQueue, 5000), setInterval(loadLeft, LEFT_MS));
    timers.push(setInterval(function () { // the visitor may have moved on: labels and the open context follow
      chats.forEach((c) => { if (c.rec && c.rec.state !== 'ended') labels(c); });
      if (current != null && chats.get(current)) showContext(chats.get(current));
    }, 5000));

    return {
      /** Accepts the chat waiting longest; false when nobody waits. */
      acceptOldest() {
        const q = waitingNow[0];
        const button = q && /** @type {HTMLButtonElement | null} */ (queueList.querySelector('[data-chat="' + CSS.escape(q.id) + '"] [data-testid="chat-accept"]'));
        if (!button || button.disabled) return false;
        acceptChat(q.id, button);
        return true;
      },
      /** Ends the open conversation (if it is active). */
      endCurrent() {
        const c = current != null && chats.get(current);
        if (!c || c.end.hidden || c.end.disabled) return false;
        endChat(c);
        return true;
      },
      step: step,
      current: () => current,
      destroy() {
        alive = false;
        d.removeEventListener('visibilitychange', visible);
        timers.forEach(clearInterval);
        chats.forEach(function (c) {
          clearTimeout(c.quietT); clearTimeout(c.theirsT); clearTimeout(c.gapT);
          c.pending.forEach((p) => clearTimeout(p.retry));
        });
        where.list.replaceChildren();
        where.panes.replaceChildren();
        where.context.replaceChildren();
      },
    };
  }

  return { mount: mount };
})(window, document);
