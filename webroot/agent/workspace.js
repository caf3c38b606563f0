/*! SiteConnect agent console: the workspace around the chat module (issue 19 part 1, docs/CONSOLE.md) — the left
 * column's tabs (conversations / live pages), the unread total and the title badge ("(2) SiteConnect"), the opt-in
 * alert for a new waiting chat (a browser notification and a sound made with WebAudio, no audio file) and the
 * keyboard shortcuts with their "?" list.
 *
 *   const ws = scWorkspace.create(document, {chat: () => chatApi | null})
 *   ws.counts({waiting, unread}); ws.newWaiting({buttonName}); ws.reset()
 *
 * Shortcuts with Alt work anywhere (also while typing); bare keys only outside text fields, so typing never fires one.
 */
// @ts-check
import { t as tr } from './lang.js';

export const scWorkspace = (function (w) {
  const PREF = 'siteconnect.agent.alerts'; // localStorage: "on" when the agent turned alerts on
  /** The shortcuts, as the "?" list shows them: [keys, what, code (KeyboardEvent.code with Alt), bare key]. */
  const KEYS = [
    ['Alt+A or A', 'ws.key.accept', 'KeyA', 'a'], // what: a key of the console's catalogue
    ['Enter or Ctrl+Enter', 'ws.key.send', null, null],
    ['Alt+E', 'ws.key.end', 'KeyE', null],
    ['Alt+↓ or J', 'ws.key.next', 'ArrowDown', 'j'],
    ['Alt+↑ or K', 'ws.key.previous', 'ArrowUp', 'k'],
    ['Alt+L', 'ws.key.side', 'KeyL', null],
    ['?', 'ws.key.help', null, '?'],
  ];

  /**
   * @param {Document} d
   * @param {{chat: () => any, onShortcut?: (name: string) => void}} opts
   */
  function create(d, opts) {
    const $ = (/** @type {string} */ id) => /** @type {any} */ (d.getElementById(id));
    const baseTitle = d.title;
    let alerts = false;
    let audio = null; // an AudioContext, made on the agent's click (browsers allow sound only after a gesture)

    // ---- the left column: conversations | live pages ----
    const sideTabs = [$('side-tab-chats'), $('side-tab-pages')];
    function side(which) {
      sideTabs.forEach(function (t) {
        const on = t.id === 'side-tab-' + which;
        t.setAttribute('aria-selected', String(on));
        t.tabIndex = on ? 0 : -1;
        $(t.getAttribute('aria-controls')).hidden = !on;
      });
    }
    sideTabs.forEach(function (t, i) {
      t.addEventListener('click', () => side(t.id.replace('side-tab-', '')));
      t.addEventListener('keydown', function (/** @type {KeyboardEvent} */ e) { // arrow keys move between the tabs
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        const next = sideTabs[(i + 1) % 2];
        next.click();
        next.focus();
      });
    });

    // ---- counts: the total badge and the title ----
    function counts(n) {
      const badge = $('unread-total');
      badge.textContent = String(n.unread);
      badge.hidden = !n.unread;
      badge.setAttribute('aria-label', tr('ws.unreadN', { count: n.unread }));
      const waiting = $('waiting-total');
      waiting.textContent = String(n.waiting);
      waiting.hidden = !n.waiting;
      waiting.setAttribute('aria-label', tr('ws.waitingN', { count: n.waiting }));
      const pill = $('waiting-accept');
      pill.hidden = !n.waiting;
      pill.textContent = tr('ws.waitingAccept', { count: n.waiting });
      const total = n.unread + n.waiting;
      d.title = total ? '(' + total + ') ' + baseTitle : baseTitle;
      d.body.setAttribute('data-waiting', String(n.waiting));
      d.body.setAttribute('data-unread', String(n.unread));
    }

    // ---- alerts: off until the agent turns them on; the permission is asked on that click only ----
    const toggle = $('alerts-toggle');
    function showAlerts() {
      toggle.setAttribute('aria-pressed', String(alerts));
      toggle.textContent = tr(alerts ? 'ws.alertsOn' : 'ws.alertsOff');
      toggle.title = tr(alerts ? 'ws.alertsOnTip' : 'ws.alertsOffTip');
    }
    toggle.addEventListener('click', async function () {
      alerts = !alerts;
      try { if (alerts) localStorage.setItem(PREF, 'on'); else localStorage.removeItem(PREF); } catch (x) { /* this tab only */ }
      showAlerts();
      if (!alerts) return;
      unlockAudio();
      const N = /** @type {any} */ (w).Notification;
      if (N && N.permission === 'default') {
        try { await N.requestPermission(); } catch (x) { /* an old browser: the sound still plays */ }
      }
      const note = $('alerts-note');
      note.hidden = !(N && N.permission === 'denied');
      note.textContent = tr('ws.alertsBlocked');
    });
    function unlockAudio() {
      const AC = /** @type {any} */ (w).AudioContext || /** @type {any} */ (w).webkitAudioContext;
      if (!AC) return;
      if (!audio) { try { audio = new AC(); } catch (x) { audio = null; } }
      if (audio && audio.state === 'suspended') audio.resume().catch(() => {});
    }
    // A kept "on" needs one gesture before sound may play: the first click or key in the page.
    const gesture = () => { if (alerts) unlockAudio(); };
    d.addEventListener('pointerdown', gesture, { once: true });
    d.addEventListener('keydown', gesture, { once: true });

    /** Two short rising tones (about 0.35 s), made by an oscillator: no audio file. */
    function chime() {
      if (!audio) return false;
      const t = audio.currentTime;
      const gain = audio.createGain();
      gain.connect(audio.destination);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      [[660, 0], [880, 0.15]].forEach(function ([freq, at]) {
        const osc = audio.createOscillator();
        osc.type = 'sine';
        osc.frequency.setValueAtTime(freq, t + at);
        osc.connect(gain);
        osc.start(t + at);
        osc.stop(t + at + 0.18);
      });
      return true;
    }

    function newWaiting(q) {
      // Only when the console is not in front (another tab, window or application has the agent's attention): in
      // front, the queue, the count and the title badge already say it.
      if (!alerts || (d.visibilityState === 'visible' && d.hasFocus())) return;
      chime();
      const N = /** @type {any} */ (w).Notification;
      if (N && N.permission === 'granted') {
        try {
          const n = new N(tr('ws.notifyTitle'), { body: tr('ws.notifyBody', { button: q.buttonName }), tag: 'sc-waiting-' + q.id });
          n.onclick = () => { w.focus(); n.close(); };
        } catch (x) { /* notifications from a page may be refused (Android): the sound played */ }
      }
    }

    // ---- keyboard ----
    const help = $('shortcuts-dialog');
    $('shortcuts-list').replaceChildren(...KEYS.map(([keys, what]) => {
      const row = d.createElement('div');
      const dt = d.createElement('dt');
      keys.split(' or ').forEach((k, i) => {
        if (i) dt.append(tr('ws.keyOr'));
        const kbd = d.createElement('kbd');
        kbd.textContent = k;
        dt.append(kbd);
      });
      const dd = d.createElement('dd');
      dd.textContent = tr(what);
      row.append(dt, dd);
      return row;
    }));
    $('shortcuts-open').addEventListener('click', () => help.showModal());
    $('waiting-accept').addEventListener('click', () => run('accept'));
    $('shortcuts-close').addEventListener('click', () => help.close());

    /** A field the agent types in: bare keys must not fire there. */
    function typing(t) {
      if (!t || !(t instanceof Element)) return false;
      const tag = t.localName;
      if (tag === 'textarea' || tag === 'select' || /** @type {HTMLElement} */ (t).isContentEditable) return true;
      if (tag !== 'input') return false;
      const type = /** @type {HTMLInputElement} */ (t).type;
      return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
    }
    function run(name) {
      const chat = opts.chat();
      if (name === 'help') { if (!help.open) help.showModal(); return; }
      if (name === 'side') { side($('side-tab-chats').getAttribute('aria-selected') === 'true' ? 'pages' : 'chats'); return; }
      if (!chat) return;
      if (name === 'accept') { side('chats'); chat.acceptOldest(); }
      if (name === 'end') chat.endCurrent();
      if (name === 'next') { side('chats'); chat.step(1); }
      if (name === 'previous') { side('chats'); chat.step(-1); }
    }
    const ACTIONS = { KeyA: 'accept', KeyE: 'end', ArrowDown: 'next', ArrowUp: 'previous', KeyL: 'side' };
    const BARE = { a: 'accept', j: 'next', k: 'previous', '?': 'help' };
    function onKey(/** @type {KeyboardEvent} */ e) {
      if (e.defaultPrevented || e.isComposing || d.body.getAttribute('data-view') !== 'console') return;
      if (d.querySelector('dialog[open]:not(#shortcuts-dialog)')) return; // the invitation dialog has the keys
      let name = null;
      if (e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) name = ACTIONS[e.code] || null;
      else if (!e.altKey && !e.ctrlKey && !e.metaKey && !typing(e.target)) name = BARE[e.key] || null;
      if (!name) return;
      e.preventDefault();
      if (opts.onShortcut) opts.onShortcut(name);
      run(name);
    }
    d.addEventListener('keydown', onKey);

    try { alerts = localStorage.getItem(PREF) === 'on'; } catch (x) { alerts = false; }
    showAlerts();

    return {
      counts: counts,
      newWaiting: newWaiting,
      side: side,
      chime: chime,
      reset() {
        counts({ waiting: 0, unread: 0 });
        side('chats');
        if (help.open) help.close();
      },
    };
  }

  return { create: create };
})(window);
