/*! SiteConnect frame: co-browse consent and the "agent can see this tab" notice (docs/PROTOCOL.md "Co-browse"),
 * built on scFrame from frame.js. The visitor answers ~pagesession/cobrowsing/consent_request here, with
 * the frame's own `consent` command (never a page publish: the host page cannot reach it); while a co-browse is
 * active the widget says so and its
 * Stop button publishes ~pagesession/cobrowsing/end {reason: "visitor"}. Text only: textContent, never innerHTML. */
// @ts-check
import { scFrame } from './frame.js';
import { el } from '../shared/dom.js';
import { t, tx } from '../shared/i18n.js';

(function (w, d) {
  var F = scFrame;
  var T = '~pagesession/cobrowsing/';

  function btn(key, cls, testid) { // key: its text in the catalogue (docs/I18N.md)
    return el('button', Object.assign({ type: 'button', class: cls, 'data-testid': testid }, tx(key)));
  }
  function name(p) {
    return p && typeof p.agent_name === 'string' && p.agent_name.trim() ? p.agent_name.trim() : t('cb.anAgent');
  }

  var panel = F.panel('cobrowse');
  panel.classList.add('sc-cobrowse');
  panel.setAttribute('data-testid', 'cobrowse-panel');
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-label', t('cb.label'));
  panel.setAttribute('data-i18n-aria-label', 'cb.label');

  var askAgent = el('b');
  var allow = btn('cb.allow', 'sc-primary', 'cobrowse-allow');
  var decline = btn('cb.decline', '', 'cobrowse-decline');
  var ask = el('div', { class: 'sc-cb-ask', 'data-testid': 'cobrowse-consent' }, [
    el('p', { class: 'sc-cb-q' }, [askAgent]), // the sentence around the name: said() below
    el('p', { class: 'sc-cb-note', ...tx('cb.note') }),
    el('p', { class: 'sc-cb-actions' }, [allow, decline]),
  ]);
  var liveAgent = el('b');
  var stop = btn('cb.stop', 'sc-cb-stop', 'cobrowse-stop');
  var live = el('div', { class: 'sc-cb-live', 'data-testid': 'cobrowse-active' }, [
    el('p', { class: 'sc-cb-q' }, [el('span', { class: 'sc-cb-dot', 'aria-hidden': 'true' }), el('span', {}, [liveAgent])]),
    el('p', { class: 'sc-cb-actions' }, [stop]),
  ]);
  var wait = el('p', { class: 'sc-cb-wait', 'data-testid': 'cobrowse-wait', ...tx('status.connecting') });
  panel.appendChild(ask);
  panel.appendChild(live);
  panel.appendChild(wait);

  var request = null; // {cobrowse_id, agent_name}: waiting for the visitor's answer
  var active = null; // {cobrowse_id, agent_name}: the agent sees this tab
  var answered = null; // cobrowse_id allowed just now, until start (or stop) comes

  // Clickjacking: the host page can restyle or cover this iframe and lure a click onto Allow. Allow is enabled only
  // once the question has been seen for SEEN_MS — unobscured and opaque where the browser can tell
  // (IntersectionObserver v2 `isVisible`), else merely shown — and is disabled again as soon as it is not.
  var SEEN_MS = 600;
  var seenTimer = 0;
  var visible = false; // the question is on screen (as far as this browser can tell)
  var CAN_TELL = typeof w.IntersectionObserverEntry === 'function' && 'isVisible' in w.IntersectionObserverEntry.prototype;
  function seen(now) {
    clearTimeout(seenTimer);
    allow.disabled = true;
    if (now && request) {
      seenTimer = setTimeout(function () {
        allow.disabled = !(visible && request);
        if (!allow.disabled && d.activeElement !== allow) allow.focus();
      }, SEEN_MS);
    }
  }
  if (CAN_TELL) {
    new w.IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isVisible !== visible) { visible = e.isVisible; seen(visible); } });
    }, { trackVisibility: true, delay: 100 }).observe(ask);
  }

  /** The sentence of key around the agent's name (in bold) in place of b, in the visitor's language. */
  function said(b, key, who) {
    var parts = t(key, { name: '\u0000' }).split('\u0000');
    b.textContent = who;
    b.parentNode.replaceChildren(parts[0], b, parts.slice(1).join(''));
  }

  function render() {
    var state = active ? 'active' : request ? 'ask' : answered ? 'wait' : 'none';
    var asking = state === 'ask' && ask.hidden;
    panel.setAttribute('data-state', state);
    panel.hidden = state === 'none';
    ask.hidden = state !== 'ask';
    live.hidden = state !== 'active';
    wait.hidden = state !== 'wait';
    if (request) said(askAgent, 'cb.ask', name(request));
    if (active) said(liveAgent, 'cb.live', name(active));
    d.body.setAttribute('data-cobrowse', state);
    if (state !== 'ask') seen(false);
    else if (asking) seen(CAN_TELL ? visible : (visible = true));
  }

  function answer(yes) {
    if (!request) return;
    var id = request.cobrowse_id;
    F.consent(id, yes); // a frame command, not a publish: the host page cannot say it (DESIGN §11)
    request = null;
    answered = yes ? id : null;
    render();
  }
  // Only the visitor's own click counts: a synthetic event (isTrusted false) is ignored.
  allow.addEventListener('click', function (e) { if (e.isTrusted && !allow.disabled) answer(true); });
  decline.addEventListener('click', function (e) { if (e.isTrusted) answer(false); });
  d.addEventListener('keydown', function (e) { // Esc = Decline (docs/ACCESSIBILITY.md)
    if (e.key === 'Escape' && e.isTrusted && request && !ask.hidden && F.display() === 'shown') { e.preventDefault(); answer(false); }
  }, true);
  stop.addEventListener('click', function () {
    if (!active) return;
    F.publish(T + 'end', { reason: 'visitor' });
    active = answered = null;
    render();
  });

  // Retained while they last, so a reconnect or the next page of the site shows them again.
  F.subscribe(T + 'consent_request', function (p) {
    if (p && typeof p.cobrowse_id === 'string') {
      if (active && active.cobrowse_id === p.cobrowse_id) return;
      request = p;
      render();
      F.show(); // the visitor must see the question (Allow is enabled once it has been seen: above)
      decline.focus();
    } else if (request) { // cleared: answered (maybe in another tab) or withdrawn
      request = null;
      render();
    }
  });
  F.subscribe(T + 'start', function (p) {
    if (p && typeof p.cobrowse_id === 'string') {
      var fresh = !active || active.cobrowse_id !== p.cobrowse_id;
      active = p;
      request = answered = null;
      render();
      if (fresh && F.display() !== 'shown') F.show(); // the visitor must know the agent sees this tab
    } else if (active) {
      active = null;
      render();
    }
  });
  // Remote control (docs/CONTROL.md): its own prompt, loaded when the first control message comes.
  var ctl = null;
  ['control_request', 'control_state'].forEach(function (verb) {
    F.subscribe(T + verb, function (p) {
      if (!ctl && !p) return;
      (ctl = ctl || import('./control.js').then(function (m) { return m.control(F, el); })).then(function (on) { on(verb, p); });
    });
  });
  F.subscribe(T + 'stop', function () {
    active = request = answered = null;
    render();
  });
  render();
})(window, document);
