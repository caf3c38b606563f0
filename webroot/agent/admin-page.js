/*! SiteConnect administration page (/agent/admin.html): the admin view (admin.js) on a page of its own, so the
 * agent workspace carries no admin code. It uses the console's login: the bearer token this tab keeps in
 * sessionStorage. No token, or one the gateway no longer takes: back to the console's login. An agent who is not an
 * admin gets a notice and no admin UI (the API answers 403 anyway). */
// @ts-check
import { scUi } from './ui.js';
import { scAdmin } from './admin.js';

(function (w, d) {
  const TOKEN_KEY = 'siteconnect.agent.token'; // the console's key (console.js)
  const $ = (/** @type {string} */ id) => /** @type {any} */ (d.getElementById(id));
  let token = null;
  try { token = sessionStorage.getItem(TOKEN_KEY); } catch (x) { token = null; }
  let admin = null;

  function toLogin() {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (x) { /* nothing kept */ }
    w.location.replace('/agent/');
  }
  const api = scUi.rest({ token: () => token, onUnauthorized: toLogin });

  $('logout').addEventListener('click', function () {
    const was = token;
    if (admin) admin.destroy();
    fetch('/api/v1/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + was }, credentials: 'omit', cache: 'no-store' })
      .catch(() => { /* the token expires anyway */ })
      .finally(toLogin);
  });

  async function start() {
    if (!token) return toLogin();
    let me;
    try {
      me = await api('GET', '/me');
    } catch (x) {
      if (x.status === 401 || x.code === 'password-change-required') return toLogin();
      scUi.show($('admin-notice'), x.message);
      return;
    }
    $('agent-name').textContent = me.name || me.login || '';
    $('agent-roles').textContent = (me.roles || []).length ? '(' + me.roles.join(', ') + ')' : '';
    d.body.setAttribute('data-view', 'admin');
    if ((me.roles || []).indexOf('admin') < 0) {
      scUi.show($('admin-notice'), scUi.t('admin.notAdmin'));
      return;
    }
    admin = scAdmin.mount($('admin-body'), { token: token, me: me, onUnauthorized: toLogin });
    $('admin-title').focus();
  }
  start();
})(window, document);
