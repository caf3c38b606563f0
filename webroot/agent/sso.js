/*! SiteConnect agent console: single sign-on on the login page (docs/SSO.md).
 * The gateway sends the browser back to /agent/#sso=<one-time code> or /agent/#sso-error=<code>; the code is traded
 * for an agent token with POST /api/v1/sso/exchange (the HttpOnly cookie that started the sign-in goes along). */
// @ts-check
import { t as tr } from './lang.js';

/** What the console says for each `#sso-error=` code (the gateway's reason is in its log and audit entry). */
const CODES = ['denied', 'expired', 'replayed', 'bad-state', 'no-role', 'no-login-claim', 'invalid-token', 'provider', 'busy', 'locked'];

export const scSso = {
  /**
   * Takes `#sso=` / `#sso-error=` out of the address (so a reload or the history does not hold it) and returns
   * `{code}` or `{error}`, or null when the page was not opened by a sign-in.
   * @param {Window} w
   * @returns {{code?: string, error?: string} | null}
   */
  takeFragment(w) {
    const m = /^#(sso|sso-error)=([A-Za-z0-9_-]{1,64})$/.exec(w.location.hash);
    if (!/^#sso(-error)?=/.test(w.location.hash)) return null;
    w.history.replaceState(null, '', w.location.pathname + w.location.search);
    if (!m) return { error: 'bad-state' };
    return m[1] === 'sso' ? { code: m[2] } : { error: m[2] };
  },

  /**
   * GET /api/v1/sso: whether single sign-on is on, the provider's name, whether passwords still work.
   * Resolves with null when the gateway cannot be asked (the password form then stays).
   * @returns {Promise<{enabled: boolean, providerName: string | null, localPasswords: boolean} | null>}
   */
  async load() {
    try {
      const r = await fetch('/api/v1/sso', { credentials: 'omit', cache: 'no-store' });
      return r.ok ? await r.json() : null;
    } catch (x) {
      return null;
    }
  },

  /**
   * @param {string} code an `#sso-error=` code
   * @param {string | null | undefined} provider the provider's name
   */
  message(code, provider) {
    return tr(CODES.includes(code) ? 'sso.' + code : 'sso.failed', { provider: provider || tr('sso.theProvider') });
  },

  /**
   * Trades the one-time code for `{token, expiresAt, agent}`; throws an Error worded for the agent.
   * @param {string} code
   */
  async exchange(code) {
    let r;
    try {
      r = await fetch('/api/v1/sso/exchange', {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ code: code }),
      });
    } catch (x) {
      throw new Error(tr('api.unreachable'), { cause: x });
    }
    let data = null;
    try { data = await r.json(); } catch (x) { /* no JSON: worded below */ }
    if (r.ok && data && data.token) return data;
    throw new Error((data && data.error && data.error.message) || tr('sso.failed'));
  },
};
