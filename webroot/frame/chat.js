/*! SiteConnect frame: the visitor's chat (docs/PROTOCOL.md "Chat"), built on scFrame from frame.js.
 * No line is lost: each has a random cid and is kept (scFrame.keep: the host page's sessionStorage, as the frame's
 * own storage is third-party and often denied) until the gateway acknowledges it with its
 * seq; after every (re)connect the frame asks for everything after the last seq it shows and resends what is
 * unacknowledged (the gateway drops a cid it already stored). Lines are shown by seq, never twice. Text only. */
// @ts-check
import { scFrame } from './frame.js';
import { Transcript } from '../shared/transcript.js';
import { el } from '../shared/dom.js';
import { has, t, time as clock, tx } from '../shared/i18n.js';

(function (w, d) {
  var F = scFrame;
  var T = '~pagesession/chat/';
  var MAX_BYTES = 4096; // the gateway's default chat.maxMessageBytes; it checks again
  var QUIET_MS = 3000; // typing:false after this long without a keystroke
  var REPEAT_MS = 2500; // typing:true at most this often
  var THEIRS_MS = 15000; // the agent's indicator fades if no update comes
  var enc = new TextEncoder();

  var kept = { pending: [] }; // {chat_id, token, button_id, pending: [{cid, text}], closed}: this tab, this site
  var loaded = false; // kept is read once the host connected (before the first onLive)
  var restoring = false; // this page took over a chat from an earlier page of the site
  var state = 'none'; // none | proactive | requested | waiting | active | ended | unavailable | left
  var chatId = null;
  var button = null;
  var agent = '';
  var endedBy = ''; // chat/state ended_by: agent, visitor, visitor-left, …
  var lines = null; // the Transcript in the chat log (below)
  var invite = null; // {button_id, text, display (before the invitation)}
  var gapT = 0;
  var typingOut = 0; // when we last said typing:true (0: we are not typing)
  var quietT = 0;
  var theirsT = 0;
  var retryT = 0;
  var unread = 0;
  var lastState = null; // JSON of the last chat/state

  function load() { // what an earlier page of the site kept (it comes through the host page: check every field)
    var k = F.kept('chat');
    k = k && typeof k === 'object' ? k : {};
    var p = Array.isArray(k.pending) ? k.pending.filter(function (x) {
      return x && typeof x.cid === 'string' && typeof x.text === 'string';
    }) : [];
    kept = { pending: p.map(function (x) { return { cid: x.cid, text: x.text }; }) };
    ['chat_id', 'token', 'button_id', 'closed', 'display'].forEach(function (f) { if (typeof k[f] === 'string') kept[f] = k[f]; });
    chatId = kept.chat_id || null;
    button = kept.button_id || null;
    restoring = !!chatId;
    loaded = true;
  }
  function save() { F.keep('chat', kept); }

  // ---- the DOM (text only: textContent, never innerHTML) ----
  function btn(key, cls, testid) { // key: its text in the catalogue (docs/I18N.md)
    return el('button', Object.assign({ type: 'button', class: cls || '', 'data-testid': testid }, tx(key)));
  }

  var panel = F.panel('chat');
  panel.classList.add('sc-chat');
  panel.setAttribute('aria-label', t('chat.label'));
  panel.setAttribute('data-i18n-aria-label', 'chat.label');

  // invitation
  var inviteText = el('p', { class: 'sc-chat-invite-text', 'data-testid': 'chat-invite-text' });
  var accept = btn('chat.start', 'sc-primary', 'chat-invite-accept');
  var dismiss = btn('chat.noThanks', '', 'chat-invite-dismiss');
  var vInvite = el('div', { class: 'sc-chat-view sc-chat-invite' },
    [inviteText, el('div', { class: 'sc-chat-actions' }, [dismiss, accept])]);

  // waiting for an agent
  var cancel = btn('chat.cancel', '', 'chat-cancel');
  var vRequest = el('div', { class: 'sc-chat-view sc-chat-request' }, [
    el('p', { class: 'sc-chat-spinner', 'aria-hidden': 'true' }),
    el('p', { role: 'status', 'data-testid': 'chat-waiting', ...tx('chat.waiting') }),
    el('div', { class: 'sc-chat-actions' }, [cancel])]);

  // nobody is available: leave a message
  var lmName = el('input', { id: 'sc-lm-name', name: 'name', maxlength: '200', autocomplete: 'name' });
  var lmContact = el('input', { id: 'sc-lm-contact', name: 'contact', maxlength: '200', autocomplete: 'email' });
  var lmText = el('textarea', { id: 'sc-lm-text', name: 'text', rows: '4', required: '' });
  var lmError = el('p', { class: 'sc-chat-error', role: 'alert', 'data-testid': 'leave-error', hidden: '' });
  var lmSend = el('button', { type: 'submit', class: 'sc-primary', 'data-testid': 'leave-send', ...tx('leave.send') });
  var lmForm = el('form', { class: 'sc-chat-leave', 'data-testid': 'leave-form', novalidate: '' }, [
    el('label', { for: 'sc-lm-name', ...tx('leave.name') }), lmName,
    el('label', { for: 'sc-lm-contact', ...tx('leave.contact') }), lmContact,
    el('label', { for: 'sc-lm-text', ...tx('leave.message') }), lmText, lmError,
    el('div', { class: 'sc-chat-actions' }, [lmSend])]);
  var lmClose = btn('widget.close', '', 'chat-close');
  var lmDone = el('p', { role: 'status', 'data-testid': 'leave-done', hidden: '',
    ...tx('leave.done') });
  var vUnavailable = el('div', { class: 'sc-chat-view sc-chat-unavailable' }, [
    el('p', { 'data-testid': 'chat-unavailable', ...tx('chat.unavailable') }),
    lmForm, lmDone, el('div', { class: 'sc-chat-actions' }, [lmClose])]);

  // the conversation
  var withLine = el('p', { class: 'sc-chat-with', 'data-testid': 'chat-with' });
  var log = el('ol', { class: 'sc-chat-log', 'aria-label': 'Conversation', 'data-testid': 'chat-log' });
  lines = new Transcript(log);
  var typing = el('p', { class: 'sc-chat-typing', 'aria-live': 'polite', 'data-testid': 'chat-typing', hidden: '' });
  var offline = el('p', { class: 'sc-chat-offline', ...tx('chat.offline') });
  var input = el('textarea', { id: 'sc-chat-input', rows: '2', ...tx('chat.yourMessage', 'aria-label'), ...tx('chat.placeholder', 'placeholder'),
    'data-testid': 'chat-input' });
  var send = el('button', { type: 'submit', class: 'sc-primary', 'data-testid': 'chat-send', ...tx('chat.send') });
  var error = el('p', { class: 'sc-chat-error', role: 'alert', 'data-testid': 'chat-error', hidden: '' });
  // files (docs/ATTACHMENTS.md): the paperclip picks one, the gateway sniffs and stores it
  var files = null; // shared/attachments.js: loaded when a chat first needs it, not on every first visit
  var filesWait = null;
  function withFiles(fn) {
    var make = /** @type {any} */ (w).scAttachments;
    if (make) {
      files = files || make({ base: function () { return '/api/v1/visitor/chats/' + encodeURIComponent(chatId || '') + '/attachments'; },
        headers: function () { return { 'X-Visitor-Token': kept.token || '' }; } });
      return fn(files);
    }
    if (!filesWait) {
      filesWait = [];
      var s = el('script', { src: '/shared/attachments.js' });
      s.addEventListener('load', function () { filesWait.splice(0).forEach(withFiles); });
      d.head.appendChild(s);
    }
    filesWait.push(fn);
  }
  var filePick = el('input', { type: 'file', hidden: '', accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf',
    'data-testid': 'chat-file' });
  var clip = el('button', { type: 'button', class: 'sc-clip', ...tx('chat.attachFile', 'title', 'aria-label'),
    'data-testid': 'chat-attach', ...tx('chat.attach') });
  clip.addEventListener('click', function () { filePick.click(); });
  filePick.addEventListener('change', function () {
    var f = filePick.files && filePick.files[0];
    filePick.value = '';
    if (!f) return;
    if (state !== 'active') return showError(t('chat.notOpen'));
    showError(null);
    withFiles(function (x) { x.upload(f, f.name).catch(function (e) { showError(t('chat.notSent', { reason: e.message })); }); });
  });
  var form = el('form', { class: 'sc-chat-form', 'data-testid': 'chat-form' }, [clip, filePick, input, send]);
  // "Show the agent this page": the page's snapshot, masked as co-browse masks it (no pixels), sent as a file
  var showPage = btn('chat.showPage', 'sc-link sc-show-page', 'chat-show-page');
  showPage.addEventListener('click', function () {
    if (state !== 'active') return showError(t('chat.notOpen'));
    showPage.disabled = true;
    showError(null);
    F.snapshot(function (snap) {
      var title = snap && typeof snap.title === 'string' && snap.title.trim() ? snap.title.trim() : t('chat.thisPage');
      var body = snap && JSON.stringify({ siteconnectSnapshot: 1, title: title, events: snap.events });
      withFiles(function (x) {
        (body ? x.upload(new Blob([body]), title) : Promise.reject(new Error(t('chat.noCapture'))))
          .catch(function (e) { showError(t('chat.notSent', { reason: e.message })); })
          .finally(function () { showPage.disabled = false; });
      });
    });
  });
  var end = btn('chat.end', 'sc-link', 'chat-end');
  var stars = el('div', { class: 'sc-chat-stars', role: 'group', ...tx('chat.yourRating', 'aria-label') });
  [1, 2, 3, 4, 5].forEach(function (n) {
    var b = el('button', { type: 'button', class: 'sc-star', 'data-rating': String(n), 'data-testid': 'chat-star',
      'aria-label': t('chat.stars', { n: n }), title: t('chat.stars', { n: n }), text: '★',
      'data-i18n-aria-label': 'chat.stars', 'data-i18n-title': 'chat.stars', 'data-i18n-params': JSON.stringify({ n: n }) });
    b.addEventListener('click', function () { rate(n); });
    stars.appendChild(b);
  });
  var skip = btn('chat.skip', 'sc-link', 'chat-rate-skip');
  var thanks = el('p', Object.assign(tx('chat.thanks'), { class: 'sc-chat-thanks', role: 'status', 'data-testid': 'chat-thanks', hidden: '' }));
  var rating = el('div', { class: 'sc-chat-rating', 'data-testid': 'chat-rating' }, [
    el('p', tx('chat.rateAsk')), stars, skip, thanks]);
  // "E-mail me this conversation" (docs/TRANSCRIPTS.md): loaded when a chat ends, not on the first visit.
  /** @type {{node: HTMLElement, reset: () => void} | null} */
  var emailer = null;
  function offerTranscript() {
    if (emailer) return emailer.reset();
    import('./transcript-email.js').then(function (m) {
      if (emailer) return;
      emailer = m.transcriptEmail(F, el, t);
      rating.appendChild(emailer.node);
    }).catch(function () { /* offline: the rating works without it */ });
  }
  var vChat = el('div', { class: 'sc-chat-view sc-chat-conv' },
    [el('div', { class: 'sc-chat-top' }, [withLine, end]), log, typing, offline, form, showPage, error, rating]);

  [vInvite, vRequest, vUnavailable, vChat].forEach(function (v) { panel.appendChild(v); });

  function view(name) { // none | invite | request | unavailable | chat | rating
    panel.hidden = name === 'none';
    panel.setAttribute('data-view', name);
    vInvite.hidden = name !== 'invite';
    vRequest.hidden = name !== 'request';
    vUnavailable.hidden = name !== 'unavailable';
    vChat.hidden = name !== 'chat' && name !== 'rating';
    form.hidden = end.hidden = name !== 'chat';
    rating.hidden = name !== 'rating';
    if (name !== 'chat') showError(null);
    bar();
  }

  function showError(text) {
    error.textContent = text || '';
    error.hidden = !text;
  }

  function showWith() {
    withLine.textContent = state === 'ended' ? t('ended.' + endedBy, { name: agent || t('chat.theAgent') }, t('chat.ended'))
      : agent ? t('chat.with', { name: agent }) : t('chat.withUs');
  }

  // The minimised bar says what is going on (and how many unread lines).
  var barTitle = d.querySelector('.sc-bar-title');
  function bar() {
    if (!barTitle) return;
    barTitle.textContent = state === 'waiting' || state === 'requested' ? t('bar.waiting')
      : state === 'active' ? (agent ? t('bar.chatWith', { name: agent }) : t('bar.chat')) : t('widget.title');
    d.body.setAttribute('data-unread', String(unread && state === 'active' ? unread : 0)); // the badge (box.js)
  }
  new MutationObserver(function () {
    var now = F.display();
    if (now === 'shown' && unread) { unread = 0; bar(); }
    if (chatting() && kept.display !== now) { // the next page of the site shows the chat the same way
      kept.display = now;
      save();
    }
  }).observe(d.body, { attributes: true, attributeFilter: ['data-display'] });
  function chatting() { return state === 'waiting' || state === 'active' || state === 'ended'; }

  // ---- lines ----
  function time(at) {
    return clock(at); // in the widget's language
  }
  function lineEl(from, name, text, at) {
    var li = el('li', { class: 'sc-msg', 'data-from': from }, [
      el('span', { class: 'sc-msg-meta', text: (from === 'visitor' ? t('chat.you') : name || '') + (at ? ' · ' + time(at) : '') }),
      el('span', { class: 'sc-msg-text', 'data-testid': 'chat-text', text: text })]);
    return li;
  }
  function pendingLi(cid) {
    return /** @type {HTMLElement | null} */ (log.querySelector('li[data-cid="' + (w.CSS ? CSS.escape(cid) : cid) + '"][data-state]'));
  }
  function shown(seq, li) { // in seq order, before any line that waits for its seq
    if (lines.add(seq, li)) gap();
  }
  function scroll() { log.scrollTop = log.scrollHeight; }

  /** A stored line from the gateway (chat/message or history): shown once, in seq order. */
  function render(m) {
    if (!m || typeof m.seq !== 'number' || typeof m.text !== 'string') return;
    if (m.chat_id && chatId && m.chat_id !== chatId) return; // an earlier chat's
    if (lines.has(m.seq)) return;
    if (m.from === 'visitor' && typeof m.cid === 'string') { // our own line, stored: it stands for the pending one
      acked(m.cid);
      var was = pendingLi(m.cid);
      if (was) was.remove();
    }
    var said = m.from === 'system' && typeof m.code === 'string' && has('sys.' + m.code) // said in the visitor's language
      ? t('sys.' + m.code, Object.assign({ name: m.name }, m.params)) : m.text;
    var li = lineEl(m.from, m.name, said, m.at);
    li.setAttribute('data-cid', m.cid || '');
    shown(m.seq, li);
    if (typeof m.cid === 'string' && m.cid.indexOf('attachment:') === 0) withFiles(function (x) { x.decorate(li, m); });
    if (m.from === 'agent') theirTyping(false);
    if (m.from !== 'visitor' && F.display() !== 'shown') { unread++; bar(); }
    scroll();
  }

  /** The gateway stored our line: stop resending; show it with its seq (unless that line is shown already). */
  function onAck(a) {
    if (!a || typeof a.cid !== 'string' || typeof a.seq !== 'number') return;
    var line = acked(a.cid);
    var was = pendingLi(a.cid);
    if (was) was.remove();
    if (lines.has(a.seq) || !(line || was)) return; // shown already (its chat/message came first)
    var li = lineEl('visitor', '', line ? line.text : was.querySelector('.sc-msg-text').textContent, Date.now());
    li.setAttribute('data-cid', a.cid);
    shown(a.seq, li);
    scroll();
  }
  function acked(cid) { // forget a line: it is stored; returns it
    var i = kept.pending.findIndex(function (p) { return p.cid === cid; });
    if (i < 0) return null;
    var line = kept.pending.splice(i, 1)[0];
    save();
    return line;
  }

  function showPending() { // lines kept from before (another page, or a reconnect)
    kept.pending.forEach(function (p) {
      if (pendingLi(p.cid)) return;
      var li = lineEl('visitor', '', p.text, 0);
      li.setAttribute('data-cid', p.cid);
      li.setAttribute('data-state', 'sending');
      log.appendChild(li);
    });
    scroll();
  }
  function resend() {
    clearTimeout(retryT);
    showPending();
    kept.pending.forEach(function (p) { F.publish(T + 'send', { cid: p.cid, text: p.text }); });
  }
  function dropPending(why) { // they cannot be delivered any more (the chat is over)
    if (!kept.pending.length) return;
    kept.pending.forEach(function (p) {
      var li = pendingLi(p.cid);
      if (li) { li.setAttribute('data-state', 'failed'); li.title = why; }
    });
    kept.pending = [];
    save();
  }

  function gap() { // a seq is missing: ask for what came after the last one we have, once things settle
    clearTimeout(gapT);
    gapT = setTimeout(function () {
      if (lines.hasGap()) sync();
    }, 1000);
  }
  function sync() {
    var p = { after: lines.lastSeq };
    if (kept.chat_id && kept.token) { p.chat_id = kept.chat_id; p.token = kept.token; }
    F.publish(T + 'sync', p);
  }

  // ---- state ----
  function newChat(id) {
    chatId = id;
    kept.chat_id = id;
    agent = '';
    lines.clear();
    unread = 0;
  }

  function reset() { // no chat any more
    state = 'none';
    chatId = button = invite = null;
    agent = '';
    kept = { pending: [], closed: kept.closed };
    save();
    lines.clear();
    unread = 0;
    theirTyping(false);
    view('none');
    F.widget(null);
  }

  /** {state, chat_id, button_id, token, agent_name?}: from chat/state or a history. */
  function apply(p) {
    var s = p.state;
    if (s === 'none') {
      if (state !== 'none' && state !== 'proactive') reset();
      return;
    }
    var fresh = typeof p.chat_id === 'string' && p.chat_id !== chatId;
    if (fresh) newChat(p.chat_id);
    if (typeof p.token === 'string') kept.token = p.token;
    if (typeof p.button_id === 'string') button = kept.button_id = p.button_id;
    if (typeof p.agent_name === 'string') agent = p.agent_name;
    endedBy = typeof p.ended_by === 'string' ? p.ended_by : ''; // a code: said in the visitor's language
    if (s !== 'unavailable') delete kept.closed;
    save();
    state = s;
    invite = null;
    showWith();
    if (s === 'waiting') {
      view('request');
      F.widget('chat-request', button);
    } else if (s === 'active') {
      view('chat');
      F.widget('chat', button);
      showPending();
      tabState(true);
    } else if (s === 'ended' && !agent) { // cancelled before anyone joined: nothing to rate
      F.publish(T + 'rate', { chat_id: chatId, rating: null });
      reset();
      return;
    } else if (s === 'ended') {
      theirTyping(false);
      view('rating');
      offerTranscript();
      F.widget('chat-rating', button);
      dropPending(t('chat.endedUnsent'));
    } else if (s === 'unavailable') {
      lmForm.hidden = false;
      lmDone.hidden = true;
      lmError.hidden = true;
      view('unavailable');
      F.widget('chat-request', button);
    }
    if (fresh && (s === 'active' || s === 'ended')) sync(); // we joined late (another page): fetch the lines
  }

  function onState(p, info) {
    if (!p || typeof p !== 'object' || typeof p.state !== 'string') return; // '' clears the retained state
    var j = JSON.stringify(p);
    // The retained state comes again after every reconnect: only a change matters. And an "unavailable" the
    // visitor closed stays closed on the next pages too.
    if (info && info.retained && (j === lastState || (p.state === 'unavailable' && kept.closed === j))) return;
    lastState = j;
    apply(p);
  }

  function onHistory(h) {
    if (!h || typeof h !== 'object') return;
    if (h.state === 'none' || !h.chat_id) {
      dropPending(t('chat.noChat'));
      apply({ state: 'none' });
      return;
    }
    apply(h);
    if (restoring) { // the first page of the site since the chat began: show it as the visitor left it
      restoring = false;
      if (F.display() === 'hidden' && kept.display !== 'hidden') {
        if (kept.display === 'minimised') F.minimize(); else F.show();
      }
    }
    (Array.isArray(h.messages) ? h.messages : []).forEach(render);
    if (h.state === 'active') resend();
  }

  function onError(e) {
    if (!e || typeof e !== 'object') return;
    var msg = t('err.' + e.code, null, typeof e.message === 'string' && e.message ? e.message : t('chat.notSentCode', { code: e.code }));
    if (state === 'unavailable' && !e.cid) { // about the left message
      lmError.textContent = msg.charAt(0).toUpperCase() + msg.slice(1);
      lmError.hidden = false;
      lmSend.disabled = false;
      return;
    }
    var line = typeof e.cid === 'string' ? kept.pending.find(function (p) { return p.cid === e.cid; }) : null;
    if (line && e.code === 'no-chat' && state === 'active') { // a resend that overtook our sync: it comes again
      sync();
      return;
    }
    if (line && e.code === 'rate-limited') { // not stored: keep it and try again a little later
      clearTimeout(retryT);
      retryT = setTimeout(resend, 10000);
    } else if (line) { // refused for good: give the text back
      acked(line.cid);
      var li = pendingLi(line.cid);
      if (li) li.remove();
      if (!input.value) input.value = line.text;
    }
    showError(msg.charAt(0).toUpperCase() + msg.slice(1));
  }

  function theirTyping(on, name) {
    clearTimeout(theirsT);
    typing.hidden = !on;
    typing.textContent = on ? t('chat.typing', { name: name || agent || t('chat.theAgent') }) : '';
    if (on) theirsT = setTimeout(function () { theirTyping(false); }, THEIRS_MS);
  }

  function onProactive(p) {
    if (!p || typeof p.button_id !== 'string') return;
    if (state !== 'none' && state !== 'proactive' && state !== 'left') return; // already in a chat
    invite = { button_id: p.button_id, display: invite ? invite.display : F.display() };
    state = 'proactive';
    inviteText.textContent = typeof p.text === 'string' && p.text ? p.text : t('chat.inviteDefault');
    view('invite');
    F.widget('proactive', p.button_id);
    F.show();
  }

  // ---- what the visitor does ----
  accept.addEventListener('click', function () {
    if (!invite) return;
    button = invite.button_id;
    invite = null;
    state = 'requested';
    view('request');
    F.widget('chat-request', button);
    F.publish(T + 'trigger', { button_id: button });
  });
  dismiss.addEventListener('click', function () {
    var before = invite && invite.display;
    invite = null;
    state = 'none';
    view('none');
    F.widget(null);
    if (before === 'minimised') F.minimize(); else if (before !== 'shown') F.hide();
  });
  cancel.addEventListener('click', function () { F.publish(T + 'end', {}); });
  end.addEventListener('click', function () {
    stopTyping();
    F.publish(T + 'end', {});
  });

  function thank(on) { // the rating view says thank you instead of asking
    Array.from(rating.children).forEach(function (c) { /** @type {HTMLElement} */ (c).hidden = on ? c !== thanks : c === thanks; });
  }
  function rate(n) {
    if (n && thanks.hidden) { // a thank-you first: the rating goes a moment later (and the gateway hides the widget)
      thank(true);
      setTimeout(function () { if (!thanks.hidden) { if (state === 'ended') rate(n); else thank(false); } }, 2500);
      return;
    }
    thank(false);
    F.publish(T + 'rate', { chat_id: chatId, rating: n });
    reset(); // the gateway clears the state and hides the frame
  }
  skip.addEventListener('click', function () { rate(null); });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) return showError(t('chat.typeFirst'));
    var n = enc.encode(text).length;
    if (n > MAX_BYTES) return showError(t('chat.tooLong', { count: n, max: MAX_BYTES }));
    if (state !== 'active') return showError(t('chat.notOpen'));
    var line = { cid: cid(), text: text };
    kept.pending.push(line);
    save();
    showPending();
    F.publish(T + 'send', line);
    input.value = '';
    showError(null);
    stopTyping();
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('input', function () {
    if (state !== 'active') return;
    var now = Date.now();
    if (!input.value) return stopTyping();
    if (now - typingOut > REPEAT_MS) {
      typingOut = now;
      F.publish(T + 'typing', { typing: true });
    }
    clearTimeout(quietT);
    quietT = setTimeout(stopTyping, QUIET_MS);
  });
  function stopTyping() {
    clearTimeout(quietT);
    if (!typingOut) return;
    typingOut = 0;
    F.publish(T + 'typing', { typing: false });
  }

  // ---- presence (docs/LIFECYCLE.md): the agent sees whether this tab is visible (reading) or hidden (away);
  // sent in a chat only, on change, settled for a moment (the gateway bounds the rate too)
  var tabSaid = '';
  var tabT = 0;
  function tabState(again) {
    if (state !== 'active') return;
    var s = d.visibilityState === 'hidden' ? 'away' : 'reading';
    if (s === tabSaid && !again) return;
    tabSaid = s;
    F.publish(T + 'presence', { state: s });
  }
  d.addEventListener('visibilitychange', function () {
    clearTimeout(tabT);
    tabT = setTimeout(function () { tabState(false); }, 300);
  });

  lmForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = lmText.value;
    lmError.hidden = true;
    var why = !text.trim() ? t('leave.empty')
      : enc.encode(text).length > MAX_BYTES ? t('leave.tooLong', { max: MAX_BYTES }) : '';
    if (why) {
      lmError.textContent = why;
      lmError.hidden = false;
      return;
    }
    lmSend.disabled = true;
    F.publish(T + 'leave_message', { button_id: button || '', name: lmName.value.trim(), contact: lmContact.value.trim(),
      text: text });
  });
  lmClose.addEventListener('click', function () {
    var closed = lastState;
    reset();
    kept.closed = closed;
    save();
    F.hide();
  });

  function cid() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return Array.from(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
  }

  // ---- the gateway ----
  F.subscribe(T + '#', function (p, topic, info) {
    if (!loaded) load();
    switch (topic.slice(T.length)) {
      case 'state': onState(p, info); break;
      case 'message': render(p); break;
      case 'ack': onAck(p); break;
      case 'history': onHistory(p); break;
      case 'typing': if (p && typeof p === 'object') theirTyping(!!p.typing, p.name); break;
      case 'error': onError(p); break;
      // The chat service restarted (a new cluster leader): lines sent meanwhile may be lost, so sync and resend.
      case 'resync': if (chatId || kept.pending.length) sync(); break;
      case 'left':
        lmSend.disabled = false;
        lmForm.reset();
        lmForm.hidden = true;
        lmDone.hidden = false;
        state = 'left';
        break;
    }
  });
  F.subscribe('~pagesession/proactive/trigger', onProactive);
  F.onLive(function () {
    if (!loaded) load();
    if (chatId || kept.pending.length) sync(); // the history answer resends what is unacknowledged
    tabState(true); // a new connection: the agent may have been told "left", then "back"
  });

  view('none');
})(window, document);
