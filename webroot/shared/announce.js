// @ts-check
/**
 * Screen readers hear the lines the other side adds to a chat (docs/ACCESSIBILITY.md): the chat log itself is a
 * plain list (not live: a history loaded after a page change would be read out whole), and this polite live region
 * says "Name: text" for each new line from someone else. Used by the widget (frame/a11y.js) and the console
 * (agent/a11y.js).
 * @param {Element} log the <ol> the chat lines go in (<li data-from> holding a meta span and a text span)
 * @param {HTMLElement} region the live region (aria-live="polite"; visually hidden)
 * @param {string} own the data-from of our own lines, never announced ('visitor' in the widget, 'agent' in the console)
 * @param {string} meta the class of a line's "Name · 12:03" span
 * @param {string} body the class of a line's text span
 */
export function announceLines(log, region, own, meta, body) {
  const watcher = new MutationObserver(function (records) {
    /** @type {Element[]} */
    const added = [];
    records.forEach((r) => r.addedNodes.forEach((n) => { if (n instanceof Element && n.tagName === 'LI') added.push(n); }));
    if (!added.length || added.length > 3) return; // more at once: a history being loaded, not news
    const news = added.filter((li) => li.getAttribute('data-from') !== own && !li.hasAttribute('data-state'));
    const li = news[news.length - 1];
    if (!li) return;
    const who = (li.querySelector('.' + meta)?.textContent || '').split(' · ')[0];
    const text = li.querySelector('.' + body)?.textContent || '';
    region.textContent = li.getAttribute('data-from') === 'system' || !who ? text : who + ': ' + text;
  });
  watcher.observe(log, { childList: true });
  return watcher;
}
