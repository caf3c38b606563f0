/*! SiteConnect console: keyboard and screen-reader support (docs/ACCESSIBILITY.md).
 * - Every tab list (role="tablist") works as the WAI-ARIA tabs pattern: arrow keys move to the next or previous tab
 *   and show it, Home and End to the first and last (lists that handle their own keys are left to them).
 * - Each conversation gets a polite live region that reads out the visitor's new lines (shared/announce.js); the
 *   chat log itself is a plain list. */
// @ts-check
import { announceLines } from '../shared/announce.js';

(function (d) {
  const NEXT = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
  d.addEventListener('keydown', function (e) {
    const tab = e.target instanceof Element ? e.target.closest('[role="tab"]') : null;
    const list = tab && tab.closest('[role="tablist"]');
    if (!tab || !list || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const tabs = /** @type {HTMLElement[]} */ (Array.from(list.querySelectorAll('[role="tab"]')))
      .filter((t) => !t.hidden && t.getClientRects().length > 0);
    const i = tabs.indexOf(/** @type {HTMLElement} */ (tab));
    const step = /** @type {Record<string, number>} */ (NEXT)[e.key];
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : step ? (i + step + tabs.length) % tabs.length : -1;
    if (to < 0 || i < 0) return;
    e.preventDefault();
    tabs[to].click(); // shows its panel (and may move the focus there: the tab keeps it)
    tabs[to].focus();
  });

  const watched = new WeakSet();
  function watch() {
    d.querySelectorAll('[data-testid="chat-pane"] [data-testid="chat-log"]').forEach(function (log) {
      if (watched.has(log)) return;
      watched.add(log);
      const region = d.createElement('div');
      region.className = 'sc-sr-live';
      region.setAttribute('aria-live', 'polite');
      region.setAttribute('data-testid', 'chat-announce');
      log.after(region);
      announceLines(log, region, 'agent', 'scc-meta', 'scc-text');
    });
  }
  function start() {
    watch();
    const box = d.getElementById('conversation');
    if (box) new MutationObserver(watch).observe(box, { childList: true, subtree: true });
  }
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start); else start();
})(document);
