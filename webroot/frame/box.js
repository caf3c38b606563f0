/*! SiteConnect frame: where and how big the widget is on the host page (docs/EMBEDDING.md). The host page's
 * site_connect.js only applies what the frame asks for ('box' over the MessagePort), so the sizes live here:
 * - shown: a 360×520 card in the site's corner; on a screen under 480 px wide a full-screen sheet;
 * - minimised: the one-line bar with the unread badge (for a site with a launcher: the launcher bubble);
 * - hidden: nothing (for a site with a launcher: the bubble, the widget closes to it).
 * A host page without <meta name=viewport> lays 980 CSS px across a phone's screen: the frame scales itself
 * (CSS zoom) so that the widget has the same size on the screen either way. The close button during a chat
 * minimises (the agent's replies stay in view). The site's launcher (launcher.js) loads on demand. */
// @ts-check

/**
 * Sets the box up; returns fit(view), which sizes it for the host page's display message {state, w, z}.
 * @param {any} F the frame's module API (window.scFrame)
 * @returns {(view: {state: string, w?: number, z?: number}) => void}
 */
export function box(F) {
  const d = document;
  const body = d.body;
  const SMALL = 480; // narrower than this (CSS px of the screen): the open widget is a full-screen sheet
  let launcher = false;
  let said = '';
  let last = { state: 'hidden' };

  d.head.append(F.el('style', { text: CSS }));

  // The unread badge: chat.js counts the agent's lines while the widget is not open (body[data-unread]).
  const bar = d.getElementById('sc-open');
  if (bar) bar.append(F.el('span', { class: 'sc-badge', 'data-testid': 'unread-badge', hidden: '' }));
  const badges = () => {
    const n = Number(body.getAttribute('data-unread')) || 0;
    for (const b of /** @type {NodeListOf<HTMLElement>} */ (d.querySelectorAll('.sc-badge'))) {
      b.hidden = !n;
      b.textContent = n > 99 ? '99+' : String(n);
      b.setAttribute('aria-label', F.t('widget.badge', { count: n }));
    }
  };
  new MutationObserver(badges).observe(body, { attributes: true, attributeFilter: ['data-unread'] });

  // × during a chat: minimise rather than hide, so that the agent's replies (and the badge) stay in view. With a
  // launcher the widget closes to the bubble anyway.
  d.addEventListener('click', (e) => {
    const t = /** @type {Element} */ (e.target);
    const chat = body.getAttribute('data-widget') || '';
    if (launcher || !t.closest('#sc-close') || (chat !== 'chat' && chat !== 'chat-request')) return;
    e.stopImmediatePropagation();
    F.minimize();
  }, true);

  return function fit(view) {
    if (!launcher && F.look()) { // the session answer names the site's launcher (it may come after the first show)
      const look = F.look();
      import('./launcher.js').then((m) => { m.buildLauncher(F, F.el, look); badges(); }, (e) => console.warn('site-connect frame: no launcher', e.message));
      launcher = true;
      body.setAttribute('data-launcher', '');
      badges();
    }
    last = view || last;
    const st = last.state;
    const z = typeof last.z === 'number' && last.z > 0 && last.z < 1 ? last.z : 1;
    const k = 1 / z; // the page is zoomed out (no viewport meta): scale the widget up to the screen's size
    const sheet = st === 'shown' && typeof last.w === 'number' && last.w < SMALL;
    const bubble = launcher && st !== 'shown';
    const px = (n) => Math.round(n * k) + 'px';
    const side = launcher && F.look().position === 'left' ? 'left' : 'right';
    d.documentElement.style.zoom = k === 1 ? '' : String(k);
    body.toggleAttribute('data-sheet', sheet);
    body.toggleAttribute('data-touch', sheet || matchMedia('(pointer: coarse)').matches);
    let css;
    if (st === 'hidden' && !bubble) {
      css = 'width:0;height:0;max-width:0;max-height:0;box-shadow:none;pointer-events:none';
    } else if (sheet) {
      css = 'left:0;right:0;top:0;bottom:0;width:100%;height:100%;max-width:none;max-height:none;border-radius:0;' +
        'box-shadow:none;pointer-events:auto';
    } else {
      const [width, height] = st === 'shown' ? [360, 520] : bubble ? [72, 72] : [260, 48];
      const edge = px(bubble ? 12 : 16);
      css = `${side}:${edge};${side === 'left' ? 'right' : 'left'}:auto;top:auto;bottom:${edge};` +
        `width:${px(width)};height:${px(height)};max-width:calc(100% - ${px(32)});max-height:calc(100% - ${px(32)});` +
        `border-radius:${bubble ? '0' : px(12)};box-shadow:` +
        (bubble ? 'none' : st === 'shown' ? '0 4px 24px rgba(0,0,0,.25)' : '0 2px 12px rgba(0,0,0,.25)') +
        ';pointer-events:auto';
    }
    if (css !== said) F.box(said = css);
  };
}

/* The one-line bar, the unread badge, the launcher bubble and the site's colour, the thank-you after a rating, the
   full-screen sheet and the touch targets (≥ 44 px) on small screens. */
const CSS = `
.sc-bar { flex-wrap: nowrap; white-space: nowrap; overflow: hidden; }
.sc-bar > span { min-width: 0; overflow: hidden; text-overflow: ellipsis; }
.sc-bar-title { flex: 1 1 auto; text-align: start; }
.sc-bar-code { flex: none; }
body[data-widget^="chat"] .sc-bar-code { display: none; }
.sc-badge { flex: none; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #c5221f;
  color: #fff; font: 700 12px/22px system-ui, sans-serif; text-align: center; }
.sc-badge[hidden] { display: none; }
.sc-launcher { display: none; position: absolute; left: 8px; top: 8px; width: 56px; height: 56px; padding: 0;
  border: 0; border-radius: 50%; align-items: center; justify-content: center;
  background: var(--sc-accent, #1f5fd1); color: var(--sc-on-accent, #fff); box-shadow: 0 2px 8px rgba(0, 0, 0, .3); }
.sc-launcher:focus-visible { outline: 3px solid #ffb020; outline-offset: -3px; }
body[data-launcher]:not([data-display="shown"]) .sc-launcher { display: flex; }
body[data-launcher] .sc-bar { display: none !important; }
.sc-launcher .sc-badge { position: absolute; top: -6px; right: -6px; }
.sc-launcher-logo { width: 36px; height: 36px; border-radius: 50%; object-fit: cover; }
.sc-launcher-icon { position: relative; width: 26px; height: 20px; border-radius: 10px; background: currentColor; }
.sc-launcher-icon::after { content: ""; position: absolute; left: 5px; bottom: -5px; border: 5px solid transparent;
  border-top-color: currentColor; border-left-color: currentColor; }
body[data-launcher] .sc-head, body[data-launcher] .sc-chat .sc-primary,
body[data-launcher] .sc-msg[data-from="visitor"] { border-color: var(--sc-accent, #1f5fd1);
  background: var(--sc-accent, #1f5fd1); color: var(--sc-on-accent, #fff); }
body[data-launcher] .sc-head .sc-icon { color: inherit; }
.sc-head-logo { width: 28px; height: 28px; border-radius: 6px; object-fit: cover; }
.sc-greeting { display: flex; align-items: center; gap: 10px; margin: 0 0 8px; font-size: 15px; text-align: left; }
.sc-start { width: 100%; margin: 4px 0 12px; padding: 10px 14px; border: 0; border-radius: 8px; font-weight: 600;
  background: var(--sc-accent, #1f5fd1); color: var(--sc-on-accent, #fff); }
.sc-start:focus-visible { outline: 3px solid #ffb020; outline-offset: 2px; }
.sc-avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; object-fit: cover; }
.sc-chat-thanks { padding: 12px 0; font-size: 16px; font-weight: 600; }
body[data-sheet] .sc-widget { border-radius: 0; }
body[data-touch] button { min-width: 44px; min-height: 44px; }
`;
