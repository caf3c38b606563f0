/*! SiteConnect agent console: the admin view (docs/REST.md; docs/OPERATIONS.md).
 * scAdmin.mount(container, {token, me?, onUnauthorized?}) → {destroy()}
 * Live figures (GET /api/v1/admin/stats every 2 s), the audit log with filters (GET /api/v1/audit) and agent
 * management (GET/POST/PUT/DELETE /api/v1/agents), and a notice for each webhook the gateway disabled after failing
 * (GET /api/v1/webhooks, docs/WEBHOOKS.md). Text only: textContent, never innerHTML. */
// @ts-check
import { scUi } from './ui.js';
import { t as i18n } from './lang.js';
import { scPrivacy } from './privacy.js';
import { scTranscripts } from './transcripts.js';
import { scCanned } from './canned-admin.js';

export const scAdmin = (function (w, d) {
  const STATS_MS = 2000;
  const AUDIT_MS = 5000;
  const STATS = ['pages', 'agents', 'chatsWaiting', 'chatsActive', 'cobrowseSessions']; // admin.stat.<key>
  // The audited actions (docs/OPERATIONS.md "Audit log"); others the gateway reports are added as they show up.
  const ACTIONS = ['login', 'login-failed', 'logout', 'code-redeemed', 'code-refused', 'cobrowse-consent',
    'cobrowse-declined', 'cobrowse-started', 'cobrowse-stopped', 'chat-accepted', 'chat-ended', 'agent-created',
    'agent-updated', 'agent-deleted', 'visitor-exported', 'visitor-erased', 'webhook-created', 'webhook-updated',
    'webhook-deleted', 'webhook-replayed', 'webhook-disabled', 'chat-transferred', 'canned-created', 'canned-updated',
    'canned-deleted', 'transcript-downloaded', 'transcripts-exported',
    'control-asked', 'control-granted', 'control-declined', 'control-revoked', 'control-navigated'];

  const { el, show, cap } = scUi;
  /** A form's input by name. @param {HTMLFormElement} form @param {string} name */
  const input = (form, name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  function when(ms) {
    const t = new Date(ms);
    return isNaN(t.getTime()) ? '' : t.toLocaleString([], { dateStyle: 'short', timeStyle: 'medium' });
  }
  const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const seg = encodeURIComponent;

  function mount(container, opts) {
    const token = opts.token;
    const timers = [];
    let alive = true;

    const api = scUi.rest({ token: () => token, message: cap,
      onUnauthorized: () => { if (alive && opts.onUnauthorized) opts.onUnauthorized(); } });

    // ---- live figures ----
    const figures = new Map();
    const statsList = el('dl', { class: 'sca-stats', 'data-testid': 'admin-stats' }, ...STATS.map(function (key) {
      const dd = el('dd', { 'data-testid': 'stat-' + key, text: '–' });
      figures.set(key, dd);
      return el('div', { class: 'sca-stat', 'data-stat': key }, el('dt', { text: i18n('admin.stat.' + key) }), dd);
    }));
    const statsNote = el('p', { class: 'muted small', 'data-testid': 'stats-updated', 'aria-live': 'off' });
    const statsError = el('p', { class: 'error', role: 'alert', 'data-testid': 'stats-error', hidden: true });

    async function loadStats() {
      try {
        const s = await api('GET', '/admin/stats');
        if (!alive) return;
        figures.forEach((dd, key) => { dd.textContent = typeof s[key] === 'number' ? String(s[key]) : '–'; });
        statsNote.textContent = i18n('admin.updated', { time: new Date().toLocaleTimeString() });
        show(statsError);
      } catch (e) {
        if (alive) show(statsError, e.message);
      }
    }

    // ---- webhooks the gateway disabled (they failed for webhooks.disableAfterSeconds) ----
    const hooksNotice = el('div', { class: 'error', role: 'alert', 'data-testid': 'webhook-notice', hidden: true });

    async function loadHooks() {
      try {
        const off = (await api('GET', '/webhooks')).filter((h) => h.disabledAt);
        if (!alive) return;
        hooksNotice.replaceChildren(...off.map((h) => el('p', { 'data-testid': 'webhook-disabled', 'data-hook': h.id,
          text: i18n('admin.webhookOff', { url: h.url, site: h.site, when: when(h.disabledAt), reason: h.disabledReason, id: h.id }) })));
        hooksNotice.hidden = off.length === 0;
      } catch {
        // the notice is a hint: the webhook API's own answers report problems
      }
    }

    // ---- audit log ----
    const action = el('select', { id: 'audit-action', name: 'action', 'data-testid': 'audit-action' },
      el('option', { value: '', text: i18n('admin.anyAction') }), ...ACTIONS.map((a) => el('option', { value: a, text: a })));
    const actor = el('input', { id: 'audit-actor', name: 'actor', autocomplete: 'off', spellcheck: 'false',
      'data-testid': 'audit-actor' });
    const since = el('input', { id: 'audit-since', name: 'since', type: 'datetime-local', step: '1', 'data-testid': 'audit-since' });
    const auditForm = el('form', { class: 'sca-filters', 'data-testid': 'audit-filters' },
      el('label', { for: 'audit-action', text: i18n('admin.action') }), action,
      el('label', { for: 'audit-actor', text: i18n('admin.actor') }), actor,
      el('label', { for: 'audit-since', text: i18n('admin.since') }), since,
      el('button', { type: 'submit', class: 'small', 'data-testid': 'audit-apply', text: i18n('admin.apply') }));
    const auditBody = el('tbody', { 'data-testid': 'audit-body' });
    const auditEmpty = el('p', { class: 'muted small', 'data-testid': 'audit-empty', text: i18n('admin.noEntries'), hidden: true });
    const auditError = el('p', { class: 'error', role: 'alert', 'data-testid': 'audit-error', hidden: true });
    let auditSeq = 0;

    function auditQuery() {
      const q = new URLSearchParams();
      if (action.value) q.set('action', action.value);
      if (actor.value.trim()) q.set('actor', actor.value.trim());
      if (since.value) {
        const t = new Date(since.value).getTime();
        if (!isNaN(t)) q.set('since', String(t));
      }
      q.set('limit', '200');
      return q.toString();
    }
    async function loadAudit() {
      const mine = ++auditSeq;
      const query = auditQuery();
      auditBody.closest('table').setAttribute('aria-busy', 'true');
      try {
        const entries = await api('GET', '/audit?' + query);
        if (!alive || mine !== auditSeq) return;
        show(auditError);
        auditBody.replaceChildren(...(entries || []).map((a) => el('tr', { 'data-testid': 'audit-entry', 'data-action': a.action,
          'data-actor': a.actor == null ? '' : a.actor },
        el('td', { text: when(a.at) }), el('td', { text: a.actor }), el('td', { text: a.action }),
        el('td', { text: a.target }), el('td', { text: a.detail }), el('td', { text: a.address }))));
        auditEmpty.hidden = (entries || []).length > 0;
        (entries || []).forEach(function (a) { // an action this page does not know yet becomes a filter too
          if (a.action && !Array.from(action.options).some((o) => o.value === a.action)) {
            action.append(el('option', { value: a.action, text: a.action }));
          }
        });
      } catch (e) {
        if (alive && mine === auditSeq) show(auditError, e.message);
      } finally {
        if (mine === auditSeq) auditBody.closest('table').removeAttribute('aria-busy');
      }
    }
    auditForm.addEventListener('submit', function (e) {
      e.preventDefault();
      loadAudit();
    });
    action.addEventListener('change', loadAudit);

    // ---- agents ----
    const agentsBody = el('tbody', { id: 'agents-body' });
    const agentsError = el('p', { id: 'agents-error', class: 'error', role: 'alert', 'data-testid': 'agents-error', hidden: true });
    const agentsResult = el('p', { class: 'result', role: 'status', 'data-testid': 'agents-result', hidden: true });

    function roleBoxes(prefix, roles) {
      return el('fieldset', {}, el('legend', { text: i18n('admin.roles') }), ...['agent', 'admin'].map((r) =>
        el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'roles', value: r, id: prefix + '-role-' + r,
          checked: roles.indexOf(r) >= 0 }), ' ' + r)));
    }
    const addForm = el('form', { id: 'agent-form', class: 'stack', 'data-testid': 'agent-form' },
      el('h3', { text: i18n('admin.addAnAgent') }),
      el('label', { for: 'agent-login', text: i18n('admin.login') }),
      el('input', { id: 'agent-login', name: 'login', required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
      el('label', { for: 'agent-fullname', text: i18n('admin.name') }),
      el('input', { id: 'agent-fullname', name: 'name', required: true, autocomplete: 'off' }),
      el('label', { for: 'agent-password' }, i18n('admin.password') + ' ', el('span', { class: 'muted small', text: i18n('admin.atLeast10Characters') })),
      el('input', { id: 'agent-password', name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' }),
      roleBoxes('agent', ['agent']),
      el('label', { for: 'agent-buttons' }, i18n('admin.buttons') + ' ', el('span', { class: 'muted small', text: i18n('admin.commaseparatedSitebutton') })),
      el('input', { id: 'agent-buttons', name: 'buttons', placeholder: i18n('admin.acmesalesAcmesupport'), autocomplete: 'off', spellcheck: 'false' }),
      el('label', { for: 'agent-maxchats' }, i18n('admin.maxConcurrentChats') + ' ', el('span', { class: 'muted small', text: i18n('admin.emptyDefault') })),
      el('input', { id: 'agent-maxchats', name: 'maxChats', type: 'number', min: 1, max: 100, step: 1 }),
      el('p', { id: 'agent-form-result', class: 'result', role: 'status', 'data-testid': 'agent-form-result', hidden: true }),
      el('button', { id: 'agent-submit', type: 'submit', class: 'primary', 'data-testid': 'agent-submit', text: i18n('admin.addAgent') }));

    function fields(form) {
      const v = (n) => form.elements[n].value;
      const body = {
        name: v('name').trim(),
        roles: Array.from(form.querySelectorAll('input[name="roles"]:checked'), (c) => c.value),
        buttons: list(v('buttons')),
      };
      if (v('password')) body.password = v('password');
      if (v('maxChats').trim()) body.maxChats = Number(v('maxChats'));
      return body;
    }

    addForm.addEventListener('submit', async function (e) {
      e.preventDefault();
      const submit = /** @type {HTMLButtonElement} */ (addForm.querySelector('#agent-submit'));
      const result = addForm.querySelector('#agent-form-result');
      if (submit.disabled) return;
      const body = Object.assign({ login: input(addForm, 'login').value.trim() }, fields(addForm));
      submit.disabled = true;
      show(result);
      try {
        const a = await api('POST', '/agents', body);
        addForm.reset();
        show(result, i18n('admin.agentAdded', { login: (a && a.login) || body.login }), 'ok');
        loadAgents();
        input(addForm, 'login').focus();
      } catch (x) {
        show(result, x.message, 'error');
      } finally {
        submit.disabled = false;
      }
    });

    async function loadAgents() {
      let agents;
      try {
        agents = await api('GET', '/agents');
      } catch (e) {
        if (alive) show(agentsError, e.message);
        return;
      }
      if (!alive) return;
      show(agentsError);
      agentsBody.replaceChildren(...(agents || []).map(agentRow));
    }

    function agentRow(a) {
      const edit = el('button', { type: 'button', class: 'small', 'data-testid': 'agent-edit', text: i18n('admin.edit') });
      const del = el('button', { type: 'button', class: 'small', 'data-testid': 'agent-delete', text: i18n('admin.delete') });
      const tr = el('tr', { 'data-testid': 'agent', 'data-login': a.login },
        el('td', { text: a.login }), el('td', { text: a.name }), el('td', { text: (a.roles || []).join(', ') }),
        el('td', { text: (a.buttons || []).join(', ') }), el('td', { text: a.maxChats == null ? '' : a.maxChats }),
        el('td', { class: 'sca-actions' }, edit, del));
      edit.addEventListener('click', () => editRow(tr, a));
      let armed = 0;
      del.addEventListener('click', async function () {
        if (!armed) { // two steps: the first click asks
          del.textContent = i18n('admin.reallyDelete');
          del.setAttribute('data-armed', '');
          armed = setTimeout(() => { armed = 0; del.textContent = i18n('admin.delete'); del.removeAttribute('data-armed'); }, 5000);
          return;
        }
        clearTimeout(armed);
        del.disabled = true;
        try {
          await api('DELETE', '/agents/' + seg(a.login));
          show(agentsResult, i18n('admin.agentDeleted', { login: a.login }), 'ok');
          loadAgents();
        } catch (e) {
          show(agentsResult, e.message, 'error');
          del.disabled = false;
        }
      });
      return tr;
    }

    function editRow(tr, a) {
      const next = tr.nextElementSibling;
      if (next && next.getAttribute('data-testid') === 'agent-edit-row') { next.remove(); return; }
      const p = 'edit-' + a.login.replace(/[^A-Za-z0-9_-]/g, '_');
      const result = el('p', { class: 'result', role: 'status', 'data-testid': 'agent-edit-result', hidden: true });
      const cancel = el('button', { type: 'button', class: 'small', text: i18n('admin.cancel') });
      const form = el('form', { class: 'sca-edit', 'data-testid': 'agent-edit-form', 'data-login': a.login },
        el('label', { for: p + '-name', text: i18n('admin.name') }), el('input', { id: p + '-name', name: 'name', value: a.name || '', required: true }),
        el('label', { for: p + '-password' }, i18n('admin.newPassword') + ' ', el('span', { class: 'muted small', text: i18n('admin.emptyUnchanged') })),
        el('input', { id: p + '-password', name: 'password', type: 'password', minlength: 10, autocomplete: 'new-password' }),
        roleBoxes(p, a.roles || []),
        el('label', { for: p + '-buttons', text: i18n('admin.buttonsSitebuttonCommaseparated') }),
        el('input', { id: p + '-buttons', name: 'buttons', value: (a.buttons || []).join(', '), spellcheck: 'false' }),
        el('label', { for: p + '-maxchats', text: i18n('admin.maxConcurrentChats') }),
        el('input', { id: p + '-maxchats', name: 'maxChats', type: 'number', min: 1, max: 100, step: 1,
          value: a.maxChats == null ? '' : a.maxChats }),
        result,
        el('div', { class: 'row end' }, cancel,
          el('button', { type: 'submit', class: 'primary small', 'data-testid': 'agent-save', text: i18n('admin.save') })));
      const row = el('tr', { 'data-testid': 'agent-edit-row' }, el('td', { colspan: 6 }, form));
      tr.after(row);
      cancel.addEventListener('click', () => row.remove());
      form.addEventListener('submit', async function (e) {
        e.preventDefault();
        const save = /** @type {HTMLButtonElement} */ (form.querySelector('[data-testid="agent-save"]'));
        save.disabled = true;
        show(result);
        try {
          await api('PUT', '/agents/' + seg(a.login), fields(form));
          show(agentsResult, i18n('admin.agentSaved', { login: a.login }), 'ok');
          loadAgents();
        } catch (x) {
          show(result, x.message, 'error');
          save.disabled = false;
        }
      });
      input(form, 'name').focus();
    }

    container.replaceChildren(el('div', { class: 'sca', 'data-testid': 'admin-module' }, hooksNotice,
      el('section', { class: 'sca-section', 'aria-labelledby': 'sca-live' },
        el('h3', { id: 'sca-live', text: i18n('admin.live') }), statsList, statsNote, statsError),
      el('section', { class: 'sca-section', 'aria-labelledby': 'sca-audit' },
        el('h3', { id: 'sca-audit', text: i18n('admin.auditLog') }), auditForm, auditError,
        el('div', { class: 'sca-scroll', tabindex: 0, role: 'region', 'aria-label': i18n('admin.auditEntries') }, el('table', { class: 'table', 'data-testid': 'audit' },
          el('thead', {}, el('tr', {}, ...['when', 'actor', 'action', 'target', 'detail', 'address']
            .map((h) => el('th', { scope: 'col', text: i18n('admin.col.' + h) })))), auditBody)),
        auditEmpty),
      el('section', { class: 'sca-section', 'aria-labelledby': 'sca-agents' },
        el('h3', { id: 'sca-agents', text: i18n('admin.agents') }),
        el('div', { class: 'admin-grid' },
          el('div', {},
            el('table', { id: 'agents', class: 'table', 'data-testid': 'agents' },
              el('thead', {}, el('tr', {}, ...['login', 'name', 'roles', 'buttons', 'maxChats']
                .map((h) => el('th', { scope: 'col', text: i18n('admin.col.' + h) })), el('th', { scope: 'col' }, el('span', { class: 'sr-only', text: i18n('admin.actions') })))),
              agentsBody),
            agentsError, agentsResult),
          addForm)),
      scPrivacy.section(api),
      scTranscripts.section(() => token), // docs/TRANSCRIPTS.md
      scCanned.section(api, opts.me))); // canned responses (canned-admin.js)

    loadStats();
    loadAudit();
    loadAgents();
    loadHooks();
    timers.push(setInterval(loadStats, STATS_MS));
    timers.push(setInterval(function () { if (!d.hidden) { loadAudit(); loadHooks(); } }, AUDIT_MS));

    return {
      refresh() { loadStats(); loadAudit(); loadAgents(); loadHooks(); },
      destroy() {
        alive = false;
        timers.forEach(clearInterval);
        container.replaceChildren();
      },
    };
  }

  return { mount: mount };
})(window, document);
