/*! SiteConnect agent console: conversation tools (docs/CONSOLE.md "Transfer and canned responses").
 * scTools.create(api, {update(c, rec)}) → {attach(c), notes(c, transfers), handedOver(c, rec)}
 *   attach(c): adds to an open conversation of chat.js a Transfer button (another agent of the button, or another
 *     button's queue, with a note: POST /chats/{id}/transfer), a place for transfer notes above the log, and canned
 *     responses in the composer: type "/" (then letters) for a filtered list, ↑/↓ choose, Enter or Tab insert,
 *     Esc closes (GET /canned?site=…, kept a minute).
 *   notes(c, transfers): shows the notes of transfers (from GET /chats/{id}/messages, or live) once each.
 * Text only: textContent, never innerHTML. */
// @ts-check
import { scUi } from './ui.js';
import { t as tr } from './lang.js';

export const scTools = (function (d) {
  const { el, show } = scUi;
  const seg = encodeURIComponent;
  const CANNED_MS = 60000; // canned responses are read again after this long
  const SHOWN = 8; // at most this many in the list
  /** "/he" right before the caret (at the start or after a space): what to filter by. */
  const TRIGGER = /(?:^|\s)\/([A-Za-z0-9_-]*)$/;

  function time(ms) {
    const t = new Date(ms);
    return isNaN(t.getTime()) ? '' : t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  /** @param {(method: string, path: string, body?: any) => Promise<any>} api @param {{update: Function}} hooks */
  function create(api, hooks) {
    const canned = new Map(); // site -> {at, list}

    async function cannedOf(site) {
      const kept = canned.get(site);
      if (kept && Date.now() - kept.at < CANNED_MS) return kept.list;
      const list = await api('GET', '/canned?site=' + seg(site));
      canned.set(site, { at: Date.now(), list: Array.isArray(list) ? list : [] });
      return canned.get(site).list;
    }

    // ---- transfer ----
    function transferUi(c) {
      c.transferBtn = el('button', { type: 'button', class: 'small', 'data-testid': 'chat-transfer', text: tr('tools.transfer'),
        'aria-expanded': 'false', 'aria-controls': 'sct-transfer-' + c.id });
      const target = el('select', { id: 'sct-target-' + c.id, required: true, 'data-testid': 'transfer-target' });
      const note = el('textarea', { id: 'sct-note-' + c.id, rows: 2, maxlength: 1000, 'data-testid': 'transfer-note',
        placeholder: tr('tools.whatTheNextAgent') });
      const submit = el('button', { type: 'submit', class: 'small primary', 'data-testid': 'transfer-submit', text: tr('tools.transfer2') });
      const cancel = el('button', { type: 'button', class: 'small', 'data-testid': 'transfer-cancel', text: tr('tools.cancel') });
      const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'transfer-error', hidden: true });
      const panel = el('form', { class: 'sct-transfer', id: 'sct-transfer-' + c.id, 'data-testid': 'transfer-panel',
        'aria-label': tr('tools.transferThisConversation'), hidden: true },
      el('label', { for: 'sct-target-' + c.id, text: tr('tools.transferTo') }), target,
      el('label', { for: 'sct-note-' + c.id, text: tr('tools.noteForTheNext') }), note, error,
      el('div', { class: 'row end' }, cancel, submit));
      c.end.before(c.transferBtn);
      c.form.before(panel);

      function close() {
        panel.hidden = true;
        c.transferBtn.setAttribute('aria-expanded', 'false');
        if (!c.form.hidden) c.input.focus();
      }
      async function open() {
        panel.hidden = false;
        c.transferBtn.setAttribute('aria-expanded', 'true');
        show(error);
        submit.disabled = true;
        target.replaceChildren(el('option', { value: '', text: tr('tools.loading') }));
        let t;
        try {
          t = await api('GET', '/chats/' + seg(c.id) + '/transfer-targets');
        } catch (e) {
          show(error, e.message);
          return;
        }
        const agents = (t.agents || []).map((a) => el('option', { value: 'agent:' + a.login, disabled: !a.available,
          text: tr(a.available ? 'tools.agentLoad' : 'tools.agentFull', { name: a.name || a.login, n: String(a.activeChats), max: String(a.maxChats) }) }));
        const buttons = (t.buttons || []).map((b) => el('option', { value: 'button:' + b.id, disabled: !b.available,
          text: tr(b.available ? 'tools.queue' : 'tools.queueEmpty', { name: b.name || b.id }) }));
        target.replaceChildren(
          el('option', { value: '', text: tr(agents.length || buttons.length ? 'tools.choose' : 'tools.nobody') }),
          ...(agents.length ? [el('optgroup', { label: tr('tools.agentsHere') }, ...agents)] : []),
          ...(buttons.length ? [el('optgroup', { label: tr('tools.otherButtons') }, ...buttons)] : []));
        submit.disabled = false;
        target.focus();
      }
      c.transferBtn.addEventListener('click', () => (panel.hidden ? open() : close()));
      cancel.addEventListener('click', close);
      panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.stopPropagation(); close(); } });
      panel.addEventListener('submit', async function (e) {
        e.preventDefault();
        const v = target.value;
        if (!v) return show(error, tr('tools.chooseTarget'));
        const body = v.startsWith('agent:') ? { toAgent: v.slice(6) } : { toButton: v.slice(7) };
        if (note.value.trim()) body.note = note.value.trim();
        submit.disabled = true;
        show(error);
        try {
          const chat = await api('POST', '/chats/' + seg(c.id) + '/transfer', body);
          panel.hidden = true;
          hooks.update(c, chat);
        } catch (x) {
          show(error, x.message);
        } finally {
          submit.disabled = false;
        }
      });
    }

    function notes(c, transfers) {
      if (!c.notes) return;
      (transfers || []).forEach(function (t) {
        if (!t || typeof t.at !== 'number' || c.notes.querySelector('[data-at="' + t.at + '"]')) return;
        c.notes.append(el('div', { class: 'sct-note', 'data-testid': 'transfer-note-shown', 'data-at': t.at },
          el('span', { class: 'scc-meta', text: tr('tools.transferredBy', { name: t.fromName || t.from, time: time(t.at) }) }),
          el('p', { class: 'sct-note-text', text: t.note || tr('tools.noNote') })));
        c.notes.hidden = false;
      });
    }

    // ---- canned responses in the composer ----
    function cannedUi(c) {
      const list = el('ul', { class: 'sct-canned', role: 'listbox', id: 'sct-canned-' + c.id, 'data-testid': 'canned-list',
        'aria-label': tr('tools.cannedResponses'), hidden: true });
      c.form.classList.add('sct-composer');
      c.form.prepend(list);
      c.input.setAttribute('aria-controls', list.id);
      c.input.setAttribute('aria-autocomplete', 'list');
      let items = [];
      let at = 0;
      let ask = 0; // the latest lookup: an older answer arriving late is dropped

      function closeList() {
        list.hidden = true;
        items = [];
        c.input.removeAttribute('aria-activedescendant');
      }
      function mark() {
        Array.from(list.children).forEach((li, i) => li.setAttribute('aria-selected', String(i === at)));
        if (items.length) c.input.setAttribute('aria-activedescendant', list.id + '-' + at);
      }
      function insert(item) {
        const caret = c.input.selectionStart || 0;
        const before = c.input.value.slice(0, caret);
        const m = TRIGGER.exec(before);
        if (!m) return closeList();
        const start = caret - m[1].length - 1;
        c.input.value = before.slice(0, start) + item.text + c.input.value.slice(caret);
        const end = start + item.text.length;
        c.input.setSelectionRange(end, end);
        closeList();
        c.input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      async function lookup() {
        const caret = c.input.selectionStart || 0;
        const m = c.input.selectionEnd === caret ? TRIGGER.exec(c.input.value.slice(0, caret)) : null;
        if (!m) return closeList();
        const mine = ++ask;
        let all;
        try {
          all = await cannedOf(c.site);
        } catch (e) {
          return closeList();
        }
        if (mine !== ask) return;
        const q = m[1].toLowerCase();
        const starts = all.filter((x) => x.shortcut.toLowerCase().startsWith(q));
        const within = all.filter((x) => !x.shortcut.toLowerCase().startsWith(q) &&
          (x.shortcut.toLowerCase().includes(q) || x.text.toLowerCase().includes(q)));
        items = starts.concat(within).slice(0, SHOWN);
        if (!items.length) return closeList();
        at = 0;
        list.replaceChildren(...items.map(function (x, i) {
          const li = el('li', { role: 'option', id: list.id + '-' + i, 'data-testid': 'canned-item', 'data-shortcut': x.shortcut },
            el('b', { text: '/' + x.shortcut }), el('span', { class: 'muted', text: ' ' + x.text.slice(0, 120) }));
          li.addEventListener('mousedown', (e) => { e.preventDefault(); insert(x); });
          return li;
        }));
        list.hidden = false;
        mark();
      }
      c.input.addEventListener('input', lookup);
      c.input.addEventListener('blur', () => setTimeout(closeList, 0));
      // Capture on the form: the list's keys win over the composer's Enter-sends.
      c.form.addEventListener('keydown', function (e) {
        if (list.hidden || !items.length || e.target !== c.input) return;
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          at = (at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
          mark();
        } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
          insert(items[at]);
        } else if (e.key === 'Escape') {
          closeList();
        } else {
          return;
        }
        e.preventDefault();
        e.stopPropagation();
      }, true);
    }

    return {
      attach(c) {
        c.notes = el('div', { class: 'sct-notes', 'data-testid': 'transfer-notes', hidden: true });
        c.log.before(c.notes);
        transferUi(c);
        cannedUi(c);
      },
      notes: notes,
    };
  }

  return { create: create };
})(document);
