/*! SiteConnect agent console: the admin page's "Transcripts" section (docs/TRANSCRIPTS.md).
 * scTranscripts.section(token) → <section>: a date range (UTC days, both included) and a format; JSON gathers every
 * page of GET /api/v1/transcripts into one file, HTML is one readable page of at most 100 chats (a longer range says
 * so). scTranscripts.button(chatId, token): a conversation's "Transcript" download (HTML). Text only: textContent, never innerHTML. */
// @ts-check
import { scUi } from './ui.js';
import { t as i18n } from './lang.js';

export const scTranscripts = (function (d) {
  const { el, show } = scUi;
  const MAX_PAGES = 50; // 5,000 chats in one JSON file; narrow the range for more

  /** @param {string} path @param {() => string} token */
  async function get(path, token) {
    const r = await fetch('/api/v1' + path, { headers: { Authorization: 'Bearer ' + token() }, credentials: 'omit',
      cache: 'no-store' });
    if (!r.ok) {
      let message = i18n('api.status', { status: String(r.status) });
      try { message = (await r.json()).error.message || message; } catch (x) { /* not JSON */ }
      throw new Error(message);
    }
    return r;
  }

  /** @param {Blob} blob @param {string} name */
  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name, hidden: true });
    d.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** @param {() => string} token */
  function section(token) {
    const today = new Date().toISOString().slice(0, 10);
    const from = el('input', { id: 'tr-from', type: 'date', required: true, value: today, 'data-testid': 'transcripts-from' });
    const to = el('input', { id: 'tr-to', type: 'date', required: true, value: today, 'data-testid': 'transcripts-to' });
    const format = el('select', { id: 'tr-format', 'data-testid': 'transcripts-format' },
      el('option', { value: 'json', text: i18n('transcripts.json') }), el('option', { value: 'html', text: i18n('transcripts.htmlReadable') }));
    const go = el('button', { type: 'submit', class: 'small', 'data-testid': 'transcripts-download', text: i18n('transcripts.download') });
    const result = el('p', { class: 'result', role: 'status', 'data-testid': 'transcripts-result', hidden: true });
    const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'transcripts-error', hidden: true });
    const form = el('form', { class: 'sca-filters', 'data-testid': 'transcripts-form' },
      el('label', { for: 'tr-from', text: i18n('transcripts.from') }), from, el('label', { for: 'tr-to', text: i18n('transcripts.to') }), to,
      el('label', { for: 'tr-format', class: 'sr-only', text: i18n('transcripts.format') }), format, go);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      show(error, null);
      show(result, null);
      go.disabled = true;
      const range = '/transcripts?from=' + encodeURIComponent(from.value) + '&to=' + encodeURIComponent(to.value);
      const name = 'transcripts-' + from.value + '-' + to.value;
      try {
        if (format.value === 'html') {
          const r = await get(range + '&format=html', token);
          save(await r.blob(), name + '.html');
          show(result, r.headers.get('X-Next-Page')
            ? i18n('tr.first100') : i18n('tr.downloaded'));
        } else {
          const all = [];
          let after = '';
          let pages = 0;
          do {
            const page = await (await get(range + (after ? '&after=' + encodeURIComponent(after) : ''), token)).json();
            all.push(...page.transcripts);
            after = page.next || '';
          } while (after && ++pages < MAX_PAGES);
          save(new Blob([JSON.stringify({ from: from.value, to: to.value, transcripts: all }, null, 2)],
            { type: 'application/json' }), name + '.json');
          show(result, i18n(after ? 'tr.downloadedFirstN' : 'tr.downloadedN', { count: all.length }));
        }
      } catch (x) {
        show(error, x instanceof Error ? x.message : String(x));
      } finally {
        go.disabled = false;
      }
    });

    return el('section', { class: 'sca-section', 'aria-labelledby': 'sca-transcripts', 'data-testid': 'transcripts' },
      el('h3', { id: 'sca-transcripts', text: i18n('transcripts.transcripts') }),
      el('p', { class: 'muted small', text: i18n('tr.intro') }),
      form, error, result);
  }

  /**
   * The conversation's "Transcript" button: downloads GET /api/v1/chats/{id}/transcript?format=html.
   * @param {string} chatId @param {() => string} token
   */
  function button(chatId, token) {
    const b = el('button', { type: 'button', class: 'small', 'data-testid': 'chat-transcript', text: i18n('transcripts.transcript'),
      title: i18n('transcripts.downloadTheTranscriptHtml') });
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const r = await get('/chats/' + encodeURIComponent(chatId) + '/transcript?format=html', token);
        save(await r.blob(), 'transcript-' + chatId.replace(/[^A-Za-z0-9_-]/g, '_') + '.html');
      } catch (x) {
        b.title = x instanceof Error ? x.message : String(x);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  return { section: section, button: button };
})(document);
