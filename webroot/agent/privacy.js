/*! SiteConnect agent console: the admin view's "Data rights" section (docs/PRIVACY.md).
 * scPrivacy.section(api) → <section>: name a visitor by e-mail address, chat id or visitor token, see what the
 * gateway holds about them (counts per kind), download it as one JSON file (POST /api/v1/privacy/export), and erase
 * it after an explicit confirmation (POST /api/v1/privacy/erase). Text only: textContent, never innerHTML. */
// @ts-check
import { scUi } from './ui.js';
import { t as tr } from './lang.js';

export const scPrivacy = (function (d) {
  const { el, show } = scUi;
  const KINDS = ['email', 'chatId', 'visitorToken']; // privacy.by.<kind>
  // The kinds of records an export holds today, in words (privacy.n.<kind>, privacy.kind.<kind>); a kind the gateway
  // adds later is shown by its key.
  const WORDS = ['chats', 'messages', 'leftMessages', 'auditEntries', 'transfers'];

  /** "1 chat, 4 chat lines, …" @param {Record<string, number>} counts */
  function summary(counts) {
    return Object.keys(counts).map(function (k) {
      const n = counts[k];
      return WORDS.includes(k) ? tr('privacy.n.' + k, { count: n }) : n + ' ' + k;
    }).join(', ');
  }
  const total = (counts) => Object.keys(counts).reduce((s, k) => s + (Number(counts[k]) || 0), 0);

  /** @param {(method: string, path: string, body?: any) => Promise<any>} api */
  function section(api) {
    const kind = el('select', { id: 'privacy-kind', name: 'kind', 'data-testid': 'privacy-kind' },
      ...KINDS.map((v) => el('option', { value: v, text: tr('privacy.by.' + v) })));
    const value = el('input', { id: 'privacy-value', name: 'value', type: 'email', required: true, maxlength: 200,
      autocomplete: 'off', spellcheck: 'false', 'data-testid': 'privacy-value', placeholder: tr('privacy.visitorexampleorg') });
    const search = el('button', { type: 'submit', class: 'small', 'data-testid': 'privacy-search', text: tr('privacy.search') });
    const form = el('form', { class: 'sca-filters', 'data-testid': 'privacy-form' },
      el('label', { for: 'privacy-kind', text: tr('privacy.findBy') }), kind,
      el('label', { for: 'privacy-value', class: 'sr-only', text: tr('privacy.value') }), value, search);

    const found = el('p', { class: 'result', role: 'status', 'data-testid': 'privacy-found', hidden: true });
    const counts = el('dl', { class: 'sca-stats', 'data-testid': 'privacy-counts', hidden: true });
    const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'privacy-error', hidden: true });
    const download = el('button', { type: 'button', class: 'small', 'data-testid': 'privacy-download',
      text: tr('privacy.downloadExport'), disabled: true });
    const erase = el('button', { type: 'button', class: 'small danger', 'data-testid': 'privacy-erase',
      text: tr('privacy.erase'), disabled: true });
    const understood = el('input', { type: 'checkbox', id: 'privacy-understood', 'data-testid': 'privacy-understood' });
    const confirmErase = el('button', { type: 'button', class: 'small danger', 'data-testid': 'privacy-confirm',
      text: tr('privacy.eraseNow'), disabled: true });
    const cancel = el('button', { type: 'button', class: 'small', 'data-testid': 'privacy-cancel', text: tr('privacy.cancel') });
    const confirmText = el('p', { 'data-testid': 'privacy-confirm-text' });
    const confirm = el('div', { class: 'scp-confirm', role: 'group', 'aria-labelledby': 'privacy-confirm-title',
      'data-testid': 'privacy-confirm-panel', hidden: true },
    el('strong', { id: 'privacy-confirm-title', text: tr('privacy.eraseThisVisitorsData') }), confirmText,
    el('label', { class: 'check', for: 'privacy-understood' }, understood,
      ' I understand: the records are deleted for good, audit entries keep only the event, and a live chat ends.'),
    el('div', { class: 'row' }, cancel, confirmErase));
    const erased = el('p', { class: 'result', role: 'status', 'data-testid': 'privacy-erased', hidden: true });

    /** What the last search found: {selector, doc} — download and erase act on exactly this. */
    let last = null;
    let busy = false;

    function reset() {
      last = null;
      download.disabled = erase.disabled = true;
      counts.hidden = true;
      closeConfirm();
      show(found);
    }
    function closeConfirm() {
      confirm.hidden = true;
      understood.checked = false;
      confirmErase.disabled = true;
    }
    kind.addEventListener('change', function () {
      value.type = kind.value === 'email' ? 'email' : 'text';
      value.maxLength = kind.value === 'email' ? 200 : 64;
      value.placeholder = kind.value === 'email' ? 'visitor@example.org' : '';
      reset();
    });
    value.addEventListener('input', reset);

    async function find() {
      const selector = { [kind.value]: value.value.trim() };
      show(error);
      search.disabled = true;
      try {
        const doc = await api('POST', '/privacy/export', selector);
        last = { selector, doc };
        const c = doc.counts || {};
        counts.replaceChildren(...Object.keys(c).map((k) => el('div', { class: 'sca-stat', 'data-kind': k },
          el('dt', { text: WORDS.includes(k) ? tr('privacy.kind.' + k) : k }),
          el('dd', { 'data-testid': 'privacy-count-' + k, text: String(c[k]) }))));
        counts.hidden = false;
        const n = total(c);
        const cut = (doc.truncated || []).length ? tr('privacy.cut') : '';
        show(found, n ? tr('privacy.found', { what: summary(c) }) + cut : tr('privacy.nothing'), n ? 'ok' : undefined);
        download.disabled = false;
        erase.disabled = n === 0;
      } catch (e) {
        reset();
        show(error, e.message);
      } finally {
        search.disabled = false;
      }
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      show(erased);
      find();
    });

    download.addEventListener('click', function () {
      if (!last) return;
      const blob = new Blob([JSON.stringify(last.doc, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = el('a', { href: url, download: 'visitor-export-' + new Date().toISOString().slice(0, 10) + '.json', hidden: true });
      d.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });

    erase.addEventListener('click', function () {
      if (!last) return;
      confirmText.textContent = tr('privacy.foundBy', { by: Object.keys(last.selector)[0], what: summary(last.doc.counts || {}) });
      confirm.hidden = false;
      understood.focus();
    });
    understood.addEventListener('change', () => { confirmErase.disabled = !understood.checked || busy; });
    cancel.addEventListener('click', closeConfirm);
    confirmErase.addEventListener('click', async function () {
      if (!last || !understood.checked || busy) return;
      busy = true;
      confirmErase.disabled = true;
      try {
        const r = await api('POST', '/privacy/erase', last.selector);
        closeConfirm();
        const live = r.liveChatsEnded ? ' ' + tr('privacy.liveEnded', { count: r.liveChatsEnded }) : '';
        const more = r.complete === false ? ' ' + tr('privacy.more') : '';
        await find(); // what is left: nothing, normally
        show(erased, tr('privacy.erased', { what: summary(r.erased || {}) }) + live + more, 'ok');
      } catch (e) {
        show(error, e.message);
        confirmErase.disabled = false;
      } finally {
        busy = false;
      }
    });

    return el('section', { class: 'sca-section', 'aria-labelledby': 'sca-privacy', 'data-testid': 'privacy' },
      el('h3', { id: 'sca-privacy', text: tr('privacy.dataRights') }),
      el('p', { class: 'muted small', text: tr('privacy.intro') }),
      form, error, found, counts, el('div', { class: 'row scp-actions' }, download, erase), confirm, erased);
  }

  return { section: section };
})(document);
