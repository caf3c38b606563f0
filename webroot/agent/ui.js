/*! SiteConnect agent console: what every console module shares — text-only DOM building and the REST call. */
// @ts-check
import { el } from '../shared/dom.js';
import { t } from './lang.js';

/** el, show, cap, rest, t (docs/I18N.md); also window.scUi for the console's classic scripts (cobrowse.js). */
export const scUi = (function (w) {
  /** Shows text in a notice element (hidden when empty), with an optional kind for styling. */
  function show(node, text, kind) {
    node.textContent = text || '';
    node.hidden = !text;
    if (kind) node.setAttribute('data-kind', kind); else node.removeAttribute('data-kind');
  }

  const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

  /**
   * A REST caller for /api/v1 with the agent's bearer token: resolves with the JSON answer, rejects with an Error
   * carrying {status, code} and the server's message.
   * opts: {token: () => string, onUnauthorized?: () => void, message?: (serverMessage) => string}
   */
  function rest(opts) {
    const message = opts.message || ((m) => m);
    return async function api(method, path, body) {
      const headers = { Accept: 'application/json', Authorization: 'Bearer ' + opts.token() };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let r;
      try {
        r = await fetch('/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
          credentials: 'omit', cache: 'no-store' });
      } catch (x) {
        throw Object.assign(new Error(t('api.unreachable')), { status: 0 });
      }
      const text = await r.text();
      let data;
      try { data = text ? JSON.parse(text) : null; } catch (x) { data = null; }
      if (r.ok) return data;
      const err = (data && data.error) || {};
      if (r.status === 401 && opts.onUnauthorized) opts.onUnauthorized();
      // A code the console knows is said in its language; any other shows the server's message (docs/I18N.md).
      throw Object.assign(new Error(message(t('err.' + err.code, null, err.message)) || t('api.status', { status: r.status })),
        { status: r.status, code: err.code });
    };
  }

  const ui = Object.freeze({ el, show, cap, rest, t });
  w.scUi = ui;
  return ui;
})(window);
