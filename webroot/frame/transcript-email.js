/*! SiteConnect frame: "E-mail me this conversation" at the end of a chat (docs/TRANSCRIPTS.md). The visitor types an
 * address; the gateway checks it, its limits (per chat, visitor and address) and that the chat has ended, then
 * answers on ~pagesession/chat/transcript_email: queued, sent, refused or failed. Text only. */
// @ts-check

/**
 * The action and its form, to put in the chat's end (rating) view.
 * @param {{publish: (topic: string, payload: any) => void, subscribe: (filter: string, fn: (p: any) => void) => void}} F
 * @param {typeof import('../shared/dom.js').el} el the frame's element builder (passed in: this module is loaded
 *   apart, when a chat ends, and must not split the first visit's bundle into shared chunks)
 * @param {typeof import('../shared/i18n.js').t} t the widget's texts (docs/I18N.md), passed in for the same reason
 * @returns {{node: HTMLElement, reset: () => void}}
 */
export function transcriptEmail(F, el, t) {
  const open = el('button', { type: 'button', class: 'sc-link', 'data-testid': 'transcript-email-open',
    text: t('te.open') });
  const address = el('input', { id: 'sc-te-address', type: 'email', name: 'email', maxlength: '254',
    autocomplete: 'email', required: '', 'data-testid': 'transcript-email-address' });
  const sendBtn = el('button', { type: 'submit', class: 'sc-primary', 'data-testid': 'transcript-email-send',
    text: t('chat.send') });
  const status = el('p', { role: 'status', class: 'sc-te-status', 'data-testid': 'transcript-email-status' });
  const form = el('form', { class: 'sc-te-form', novalidate: '', hidden: '', 'data-testid': 'transcript-email-form' }, [
    el('label', { for: 'sc-te-address', text: t('te.address') }),
    el('div', { class: 'sc-te-row' }, [address, sendBtn])]);
  const node = el('div', { class: 'sc-te' }, [open, form, status]);

  open.addEventListener('click', () => {
    open.hidden = true;
    form.hidden = false;
    address.focus();
  });
  address.addEventListener('input', () => { if (!sendBtn.disabled) status.textContent = ''; });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = address.value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      status.textContent = t('te.invalid');
      return;
    }
    sendBtn.disabled = true;
    status.textContent = t('te.sending');
    F.publish('~pagesession/chat/email_transcript', { email: value });
  });
  F.subscribe('~pagesession/chat/transcript_email', (p) => {
    if (!p || typeof p !== 'object' || typeof p.state !== 'string') return;
    if (p.state === 'queued') {
      status.textContent = t('te.sending');
    } else if (p.state === 'sent') {
      form.hidden = true;
      sendBtn.disabled = false;
      open.textContent = t('te.again');
      open.hidden = false;
      status.textContent = t('te.sent');
    } else {
      sendBtn.disabled = false;
      const said = t('te.err.' + p.code, null, typeof p.message === 'string' ? p.message : t('te.failed'));
      status.textContent = p.limit ? t('te.err.limit.' + p.limit, null, said) : said; // which limit, when one
    }
  });

  return {
    node,
    reset() {
      open.textContent = t('te.open');
      open.hidden = false;
      form.hidden = true;
      sendBtn.disabled = false;
      address.value = '';
      status.textContent = '';
    },
  };
}
