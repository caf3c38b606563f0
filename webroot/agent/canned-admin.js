/*! SiteConnect administration: the "Canned responses" section (docs/CONSOLE.md "Transfer and canned responses").
 * scCanned.section(api, me) → <section>: the canned responses of the admin's sites (GET /api/v1/canned), add one
 * (POST), change one (PUT /canned/{id}) or delete one (DELETE). Agents insert them in the composer with /shortcut.
 * Text only: textContent, never innerHTML. */
// @ts-check
import { scUi } from './ui.js';
import { t as i18n } from './lang.js';

export const scCanned = (function () {
  const { el, show } = scUi;
  const seg = encodeURIComponent;

  /** @param {(method: string, path: string, body?: any) => Promise<any>} api @param {any} me */
  function section(api, me) {
    const sites = Array.from(new Set((me && me.buttons || []).map((b) => (typeof b === 'string' ? b.split('/')[0] : b.site))));
    const body = el('tbody', { 'data-testid': 'canned-rows' });
    const empty = el('p', { class: 'muted', 'data-testid': 'canned-empty', text: i18n('canned.noCannedResponsesYet'), hidden: true });
    const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'canned-error', hidden: true });
    const result = el('p', { class: 'result', role: 'status', 'data-testid': 'canned-result', hidden: true });
    const site = el('select', { id: 'canned-site', name: 'site', 'data-testid': 'canned-site' },
      ...sites.map((s) => el('option', { value: s, text: s })));
    const shortcut = el('input', { id: 'canned-shortcut', name: 'shortcut', required: true, maxlength: 64, pattern: '[A-Za-z0-9_\\-]+',
      autocomplete: 'off', spellcheck: 'false', placeholder: i18n('canned.hello'), 'data-testid': 'canned-shortcut' });
    const text = el('textarea', { id: 'canned-text', name: 'text', required: true, rows: 3, maxlength: 16384,
      placeholder: i18n('canned.helloHowCanI'), 'data-testid': 'canned-text' });
    const save = el('button', { type: 'submit', class: 'small primary', 'data-testid': 'canned-save', text: i18n('canned.add') });
    const cancel = el('button', { type: 'button', class: 'small', 'data-testid': 'canned-cancel', text: i18n('canned.cancelEdit'), hidden: true });
    const form = el('form', { class: 'stack', 'data-testid': 'canned-form', 'aria-label': i18n('canned.addOrChangeA') },
      el('label', { for: 'canned-site', text: i18n('canned.site') }), site,
      el('label', { for: 'canned-shortcut', text: i18n('canned.shortcutLettersDigitsAnd') }), shortcut,
      el('label', { for: 'canned-text', text: i18n('canned.text') }), text,
      el('div', { class: 'row end' }, cancel, save));
    let editing = null;

    function edit(row) {
      editing = row;
      site.value = row.site;
      site.disabled = true;
      shortcut.value = row.shortcut;
      text.value = row.text;
      save.textContent = i18n('canned.save');
      cancel.hidden = false;
      shortcut.focus();
    }
    function reset() {
      editing = null;
      site.disabled = false;
      form.reset();
      save.textContent = i18n('canned.add');
      cancel.hidden = true;
    }

    async function load() {
      let list;
      try {
        list = await api('GET', '/canned');
      } catch (e) {
        show(error, e.message);
        return;
      }
      show(error);
      body.replaceChildren(...(list || []).map(function (row) {
        const change = el('button', { type: 'button', class: 'small', 'data-testid': 'canned-edit', text: i18n('canned.edit') });
        const del = el('button', { type: 'button', class: 'small danger', 'data-testid': 'canned-delete', text: i18n('canned.delete') });
        change.addEventListener('click', () => edit(row));
        del.addEventListener('click', async function () {
          del.disabled = true;
          try {
            await api('DELETE', '/canned/' + seg(row.id));
            show(result, i18n('canned.deleted', { shortcut: row.shortcut }));
            if (editing && editing.id === row.id) reset();
            load();
          } catch (e) {
            show(error, e.message);
            del.disabled = false;
          }
        });
        return el('tr', { 'data-testid': 'canned-row', 'data-shortcut': row.shortcut },
          el('td', { text: row.site }), el('td', {}, el('code', { text: '/' + row.shortcut })),
          el('td', { class: 'sca-canned-text', text: row.text }), el('td', { class: 'row' }, change, del));
      }));
      empty.hidden = (list || []).length > 0;
    }

    form.addEventListener('submit', async function (e) {
      e.preventDefault();
      save.disabled = true;
      show(error);
      show(result);
      try {
        if (editing) {
          await api('PUT', '/canned/' + seg(editing.id), { shortcut: shortcut.value.trim(), text: text.value });
          show(result, i18n('canned.saved', { shortcut: shortcut.value.trim() }));
        } else {
          await api('POST', '/canned', { site: site.value, shortcut: shortcut.value.trim(), text: text.value });
          show(result, i18n('canned.added', { shortcut: shortcut.value.trim() }));
        }
        reset();
        load();
      } catch (x) {
        show(error, x.message);
      } finally {
        save.disabled = false;
      }
    });
    cancel.addEventListener('click', reset);
    load();

    return el('section', { class: 'sca-section', 'aria-labelledby': 'sca-canned', 'data-testid': 'canned-section' },
      el('h3', { id: 'sca-canned', text: i18n('canned.cannedResponses') }),
      el('p', { class: 'muted small', text: i18n('canned.agentsInsertTheseIn') }),
      el('div', { class: 'admin-grid' },
        el('div', {},
          el('table', { class: 'table sca-canned-table', 'data-testid': 'canned-table' },
            el('thead', {}, el('tr', {}, ...['site', 'shortcut', 'text'].map((h) => el('th', { scope: 'col', text: i18n('canned.col.' + h) })),
              el('th', { scope: 'col' }, el('span', { class: 'sr-only', text: i18n('canned.actions') })))), body),
          empty, error, result),
        form));
  }

  return { section: section };
})();
