// @ts-check
/*! SiteConnect frame: keyboard, focus, screen-reader and colour-scheme support of the widget (docs/ACCESSIBILITY.md).
 * Loaded by frame.js once the page session is live or the widget first shows — never before
 * ~/site_connect/ready (the first visit's byte bar, docs/ASSETS.md).
 * - Focus: when the widget opens (not for an agent's invitation: that must not take the visitor's focus) the host
 *   page focuses the frame and remembers what had the focus; inside, the first control gets it. Minimised: the
 *   bar has it. Closed: the host page gives the focus back to where it was (scFrame.focus, site_connect.js).
 * - Esc: answers a co-browse request with "Decline", else minimises the widget.
 * - New lines from the agent are read out by a polite live region (shared/announce.js).
 * - The dark colour scheme and reduced motion (the style sheet below), a focus ring on every control. */
import { announceLines } from '../shared/announce.js';

const CSS = `
:focus-visible { outline: 3px solid #ffb020; outline-offset: 1px; }
.sc-bar:focus-visible { outline-offset: -4px; }
.sc-chat .sc-star { color: #737c90; } /* 3:1 for the rating's stars (1.4.11) */
/* top/left: at its place in the flow (under the full-height widget) it made the frame's page 1 px taller than the
   frame, scrollable, and a scrolled cross-origin frame took clicks on the wrong element in Chromium */
.sc-sr { position: absolute; top: 0; left: 0; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
}
@media (prefers-color-scheme: dark) {
  :root { color-scheme: dark; }
  body { color: #e6e9f0; }
  .sc-widget { background: #1b1f27; }
  .sc-head, .sc-bar { background: #1a4fb0; }
  .sc-status span, .sc-chat-with, .sc-chat-typing, .sc-chat-leave label, .sc-msg[data-from="system"],
  .sc-cobrowse .sc-cb-note, .sc-cobrowse .sc-cb-wait { color: #b4bccb; }
  .sc-chat button, .sc-cobrowse button, .sc-clip { border-color: #5b6477; background: #262b36; color: #e6e9f0; }
  .sc-chat button:hover, .sc-cobrowse button:hover { background: #313848; }
  .sc-chat .sc-primary, .sc-cobrowse .sc-primary { border-color: #3b78e7; background: #1a4fb0; color: #fff; }
  .sc-chat .sc-primary:hover, .sc-cobrowse .sc-primary:hover { background: #1f5fd1; }
  .sc-cobrowse .sc-primary:disabled { border-color: #33476b; background: #33476b; }
  .sc-chat .sc-link { border: 0; background: transparent; color: #9dbcff; }
  .sc-chat .sc-star { background: transparent; color: #8a93a6; }
  .sc-chat input, .sc-chat textarea { border-color: #5b6477; background: #12151b; color: #e6e9f0; }
  .sc-chat-top, .sc-chat-form, .sc-chat-rating { border-color: #333a48; }
  .sc-msg { background: #2a303c; }
  .sc-msg[data-from="visitor"] { background: #1a4fb0; }
  .sc-msg[data-from="system"] { background: transparent; }
  .sc-msg[data-state="failed"] { background: #9c0020; }
  .sc-chat-offline { background: #4a3b00; color: #ffe9a8; }
  .sc-chat-error { color: #ff9aa9; }
  .sc-cobrowse { background: #3a3214; color: #f3ead0; }
  .sc-cobrowse .sc-cb-stop { border-color: #ff9aa9; color: #ff9aa9; }
  .sc-file-preview { border-color: #333a48; }
}`;

/**
 * @param {any} F scFrame (frame.js; passed in: this module is loaded on demand)
 * @param {string} [was] the display before the change that loaded this module (none: the current one)
 */
export function widgetA11y(F, was) {
  const d = document;
  d.head.appendChild(Object.assign(d.createElement('style'), { textContent: CSS }));

  // ---- new lines are read out ----
  const region = d.createElement('div');
  region.className = 'sc-sr';
  region.setAttribute('aria-live', 'polite');
  region.setAttribute('data-testid', 'chat-announce');
  d.body.appendChild(region);
  const log = d.querySelector('#sc-panel-chat [data-testid="chat-log"]');
  if (log) announceLines(log, region, 'visitor', 'sc-msg-meta', 'sc-msg-text');

  // ---- focus follows the widget ----
  const visible = (/** @type {Element} */ e) => e instanceof HTMLElement && !e.hidden && e.getClientRects().length > 0
    && !(/** @type {any} */ (e).disabled);
  /**
   * @returns {HTMLElement | null | undefined} the consent prompt's Decline, the rating's first star, the reply box or a
   * form's first field, the first button, Minimise
   */
  function first() {
    const pick = (/** @type {string} */ sel) => /** @type {HTMLElement[]} */ (Array.from(d.querySelectorAll(sel))).find(visible);
    return pick('.sc-body [data-testid="cobrowse-decline"]') || pick('.sc-body [data-testid="chat-star"]')
      || pick('.sc-body textarea, .sc-body input:not([type="file"])') || pick('.sc-body button') || d.getElementById('sc-min');
  }
  let placed = null; // what we gave the focus to, while the visitor leaves it there
  function place() {
    placed = first() || null;
    if (placed) placed.focus();
  }
  let shown = typeof was === 'string' ? was : F.display();
  let cobrowseAt = d.body.getAttribute('data-cobrowse') === 'active' ? Date.now() : 0; // when a co-browse started: consent.js then shows the widget, which must not take the focus
  new MutationObserver(function () {
    if (d.body.getAttribute('data-cobrowse') === 'active') cobrowseAt = Date.now();
  }).observe(d.body, { attributes: true, attributeFilter: ['data-cobrowse'] });
  function onDisplay() {
    const now = F.display();
    if (now === shown) return;
    shown = now;
    if (now === 'shown') {
      // Not asked for by the visitor: an agent's invitation, a co-browse that started (the page may have the focus).
      if (d.querySelector('#sc-panel-chat[data-view="invite"]:not([hidden])') || Date.now() - cobrowseAt < 2000) return;
      // The host page first notes what has the focus, then focuses the frame: the focus event below places it.
      if (d.hasFocus()) place(); else F.focus(true);
    } else if (now === 'minimised') {
      if (d.hasFocus()) d.getElementById('sc-open')?.focus();
    } else if (d.hasFocus()) {
      F.focus(false);
    }
  }
  new MutationObserver(onDisplay).observe(d.body, { attributes: true, attributeFilter: ['data-display'] });
  // The view changes under the focus (the agent joins, the chat ends, a prompt comes): when the focus is where we
  // put it, or its control went away, it moves on to the new view's first control.
  new MutationObserver(function () {
    const a = d.activeElement;
    if (F.display() === 'shown' && d.hasFocus() && (a === placed || a === d.body || (a && !visible(a)))) place();
  }).observe(d.querySelector('.sc-body') || d.body, { attributes: true, subtree: true, attributeFilter: ['hidden', 'data-view'] });
  onDisplay(); // the visitor opened it before this module was here
  // The host focused the frame: the focus goes on to the widget's first control.
  window.addEventListener('focus', function () {
    if (F.display() === 'shown' && d.activeElement === d.body) place();
  });

  // ---- Esc ----
  d.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' || e.defaultPrevented || F.display() !== 'shown') return;
    e.preventDefault();
    const decline = Array.from(d.querySelectorAll('[data-testid="cobrowse-decline"]')).find(visible);
    if (decline instanceof HTMLElement) decline.click();
    else F.minimize();
  });
}
