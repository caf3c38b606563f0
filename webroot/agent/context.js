/*! SiteConnect agent console: the visitor's context, the right-hand column of the workspace (issue 19 part 1).
 * renderVisitorContext(container, ctx) shows what the gateway knows about the visitor of the open conversation.
 * Every key of ctx is optional; a key that is missing is left out (nothing is guessed). Text only.
 *
 *   ctx = {
 *     site, button, buttonName,        // where the chat came from
 *     state, startedAt, acceptedAt,     // the chat (ms since the epoch)
 *     agentName,                        // who answers it
 *     pageSession: {handle, connected, startedAt},  // the visitor's page session, when known
 *     contactCode,                      // the visitor's contact code, when known
 *     chatsBefore: [{id, createdAt, agentName, state}],  // earlier chats of the same visitor, when known
 *     facts: [[label, value, key?], …], // anything else: page, title, referrer, browser, … (visitor-context.js)
 *     pages: [{path, title, at}],        // pages visited this session, oldest first (docs/CONTEXT.md)
 *   }
 *   renderVisitorContext(container, null) shows the empty state.
 */
// @ts-check
import { scUi } from './ui.js';
import { foreign } from '../shared/dom.js';
import { t as tr } from './lang.js';

const { el } = scUi;

function when(ms) {
  const t = new Date(ms);
  return ms == null || isNaN(t.getTime()) ? '' : t.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}
/** A duration in words: "42 s", "3 min", "1 h 5 min". */
function span(ms) {
  const sec = Math.max(0, Math.round(ms / 1000));
  return sec < 60 ? tr('ctx.sec', { n: sec }) : sec < 3600 ? tr('ctx.min', { n: Math.floor(sec / 60) })
    : tr('ctx.hmin', { h: Math.floor(sec / 3600), m: Math.floor((sec % 3600) / 60) });
}

/**
 * @param {HTMLElement} container
 * @param {null | {site?: string, button?: string, buttonName?: string, state?: string, startedAt?: number,
 *   acceptedAt?: number, agentName?: string, pageSession?: {handle?: string, connected?: boolean, startedAt?: number},
 *   contactCode?: string, chatsBefore?: Array<{id: string, createdAt?: number, agentName?: string, state?: string}>,
 *   facts?: Array<string[]>, pages?: Array<{path: string, title?: string, at?: number}>}} ctx
 */
export function renderVisitorContext(container, ctx) {
  if (!ctx) {
    container.replaceChildren(el('p', { class: 'muted small', 'data-testid': 'context-empty',
      text: tr('ctx.openAConversationTo') }));
    return;
  }
  /** @type {Array<[string, string, string]>} label, value, key */
  let rows = [];
  const add = (key, label, value) => { if (value != null && value !== '') rows.push([label, String(value), key]); };
  // The visitor first (where they are, their device, language, clock), then the chat.
  (ctx.facts || []).forEach(([label, value, key], i) => add(key || 'fact-' + i, label, value));
  const visitor = rows;
  rows = [];
  add('site', tr('ctx.site'), ctx.site);
  add('button', tr('ctx.button'), ctx.buttonName && ctx.button && ctx.buttonName !== ctx.button
    ? ctx.buttonName + ' (' + ctx.button + ')' : ctx.buttonName || ctx.button);
  add('started', tr('ctx.started'), ctx.startedAt != null ? when(ctx.startedAt) : null);
  add('accepted', tr('ctx.accepted'), ctx.acceptedAt != null ? when(ctx.acceptedAt)
    + (ctx.startedAt != null ? tr('ctx.waited', { time: span(ctx.acceptedAt - ctx.startedAt) }) : '') : null);
  add('agent', tr('ctx.agent'), ctx.agentName);
  add('state', tr('ctx.state'), ctx.state);
  const ps = ctx.pageSession;
  if (ps) add('page-session', tr('ctx.pageSession'), (ps.handle || '') + (ps.connected === false ? tr('ctx.gone') : ps.connected ? tr('ctx.connected') : ''));
  add('contact-code', tr('ctx.contactCode'), ctx.contactCode);

  const dl = (testid, list) => el('dl', { class: 'ctx-list', 'data-testid': testid },
    ...list.map(([label, value, key]) => el('div', { class: 'ctx-row', 'data-key': key },
      el('dt', { text: label }), el('dd', { 'data-testid': 'context-' + key }, foreign(value)))));
  const about = visitor.length ? dl('context-visitor', visitor) : '';
  const list = dl('context-facts', rows);
  const before = ctx.chatsBefore;
  const history = el('section', { class: 'ctx-history', 'aria-label': tr('ctx.chatsBefore') },
    el('h3', { text: tr('ctx.chatsBefore') }),
    Array.isArray(before)
      ? (before.length
        ? el('ul', { class: 'ctx-before', 'data-testid': 'context-chats-before' }, ...before.map((c) =>
          el('li', { 'data-chat': c.id }, when(c.createdAt) + (c.agentName ? ' · ' + c.agentName : '') + (c.state ? ' · ' + c.state : ''))))
        : el('p', { class: 'muted small', text: tr('ctx.noneAFirstChat') }))
      : el('p', { class: 'muted small', 'data-testid': 'context-chats-before-unknown',
        text: tr('ctx.notKnownYet') }));
  const visited = Array.isArray(ctx.pages) && ctx.pages.length
    ? el('section', { class: 'ctx-history', 'aria-label': tr('ctx.pagesVisited') },
      el('h3', { text: tr('ctx.pagesVisitedCount', { count: ctx.pages.length }) }),
      el('ol', { class: 'ctx-pages', 'data-testid': 'context-pages' }, ...ctx.pages.map((p) =>
        el('li', { title: p.title || '' }, foreign(p.path, 80, { class: 'ctx-path' }),
          p.at ? el('span', { class: 'muted small', text: ' ' + new Date(p.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }) : ''))))
    : '';
  container.replaceChildren(about, visited, list, history);
}
