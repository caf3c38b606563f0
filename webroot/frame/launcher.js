/*! SiteConnect frame: the site's launcher bubble and look (docs/EMBEDDING.md), from sites[].widget in the session
 * answer: colour, corner, title, greeting, logo or avatar. Loaded on demand (box.js) when the site names one. */
// @ts-check

/**
 * Builds the bubble (it opens the widget) and applies the site's colour, title, greeting and pictures.
 * @param {{show: () => void, t: typeof import('../shared/i18n.js').t, site: string, publish: (topic: string, payload: any) => void,
 *   subscribe: (filter: string, fn: (p: any) => void) => any}} F the frame's module API
 * @param {typeof import('../shared/dom.js').el} el the frame's element builder (passed in: this module is loaded
 *   apart and must not split the first visit's bundle into shared chunks)
 * @param {{color?: string, position?: string, title?: string, greeting?: string, logoUrl?: string, avatar?: string,
 *   button?: string}} look
 */
export function buildLauncher(F, el, look) {
  const d = document;
  const url = (u) => (typeof u === 'string' && /^(https:\/\/|\/[^/])/.test(u) ? u : null); // the gateway checks too
  const title = typeof look.title === 'string' && look.title ? look.title : null;
  const greeting = typeof look.greeting === 'string' && look.greeting ? look.greeting : null;
  const logo = url(look.logoUrl);
  const avatar = url(look.avatar);

  const color = typeof look.color === 'string' && /^#([0-9a-f]{3}){1,2}$/i.test(look.color) ? look.color : null;
  if (color) { // the site's colour, with white or dark text, whichever reads better on it (WCAG contrast)
    const hex = color.length === 4 ? color.replace(/[0-9a-f]/gi, '$&$&') : color;
    const lin = (i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    const lum = 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
    d.documentElement.style.setProperty('--sc-accent', color);
    d.documentElement.style.setProperty('--sc-on-accent', 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? '#fff' : '#1d2330');
  }

  const icon = logo
    ? el('img', { class: 'sc-launcher-logo', src: logo, alt: '' })
    : el('span', { class: 'sc-launcher-icon', 'aria-hidden': 'true' });
  const button = el('button', { type: 'button', id: 'sc-launcher', class: 'sc-launcher', 'data-testid': 'launcher',
    'aria-label': F.t('launcher.open') + (title ? ': ' + title : ''), title: greeting || title || F.t('launcher.open') },
  [icon, el('span', { class: 'sc-badge', 'data-testid': 'launcher-badge', hidden: '' })]);
  button.addEventListener('click', () => F.show());
  d.body.appendChild(button);

  const head = d.querySelector('.sc-head h1');
  if (head && title) head.textContent = title;
  if (head && logo) head.before(el('img', { class: 'sc-head-logo', src: logo, alt: '' }));
  const body = d.querySelector('.sc-body');
  if (body && typeof look.button === 'string' && look.button) { // "Chat with us": the site's chat button, in the widget
    const id = look.button;
    const start = el('button', { type: 'button', class: 'sc-start', 'data-testid': 'launcher-chat', text: F.t('launcher.chat') });
    start.addEventListener('click', () => F.publish('~pagesession/chat/trigger', { button_id: id }));
    // Nobody available: the gateway answers with the leave-a-message form, and the button says so.
    F.subscribe('$sites/' + F.site + '/chat_button/' + id, (p) => {
      start.textContent = F.t(p && p.state === 'enabled' ? 'launcher.chat' : 'launcher.leaveMessage');
    });
    body.prepend(start);
  }
  if (body && (greeting || avatar)) {
    body.prepend(el('p', { class: 'sc-greeting', 'data-testid': 'greeting' },
      [avatar ? el('img', { class: 'sc-avatar', src: avatar, alt: '' }) : null, greeting ? el('span', { text: greeting }) : null]));
  }
}
