/*! SiteConnect agent console: the visitor context of chats (issue 19 part 2, docs/CONTEXT.md).
 * visitorContexts(api) → {get(chatId, maxAgeMs?) → Promise<data | null>}: GET /chats/{id}/context, cached a moment,
 * one request per chat in flight. contextFields(data) gives what renderVisitorContext (context.js) shows;
 * labelOf(data) the "Visitor on /pricing" label. Text only.
 */
// @ts-check
import { foreign } from '../shared/dom.js';
import { t as tr, tParts } from './lang.js';

const FRESH_MS = 4000;

/** @param {(method: string, path: string) => Promise<any>} api */
export function visitorContexts(api) {
  /** @type {Map<string, {at: number, data: any}>} */
  const known = new Map();
  /** @type {Map<string, Promise<any>>} */
  const loading = new Map();
  /** @param {string} id @param {number} [maxAgeMs] */
  function get(id, maxAgeMs) {
    const k = known.get(id);
    if (k && Date.now() - k.at < (maxAgeMs == null ? FRESH_MS : maxAgeMs)) return Promise.resolve(k.data);
    let p = loading.get(id);
    if (!p) {
      p = api('GET', '/chats/' + encodeURIComponent(id) + '/context')
        .then((data) => { known.set(id, { at: Date.now(), data }); return data; })
        .catch(() => (k ? k.data : null)) // keep what we had: the next refresh tries again
        .finally(() => loading.delete(id));
      loading.set(id, p);
    }
    return p;
  }
  return { get, forget: (/** @type {string} */ id) => known.delete(id) };
}

/** How many characters of a path a label shows (the gateway takes 512): the rest is in the <bdi>'s title. */
export const LABEL_PATH_MAX = 80;

/**
 * "Visitor on /pricing" for el()'s children, the path isolated and shortened (dom.js foreign()); null while the page
 * has not told its path. @param {any} pathOrData a path, or the answer of GET /chats/{id}/context
 * @returns {Array<string | Node> | null}
 */
export function labelOf(pathOrData) {
  const d = pathOrData;
  const path = typeof d === 'string' ? d : d && d.session && d.session.context && d.session.context.path;
  return typeof path === 'string' && path
    ? tParts('ctx.visitorOn', { path: foreign(path, LABEL_PATH_MAX, { class: 'sc-visitor', 'data-visitor': 'path' }) }) : null;
}

/** A duration in words: "42 s", "3 min", "1 h 5 min". @param {number} ms */
function span(ms) {
  const sec = Math.max(0, Math.round(ms / 1000));
  return sec < 60 ? tr('ctx.sec', { n: sec }) : sec < 3600 ? tr('ctx.min', { n: Math.floor(sec / 60) })
    : tr('ctx.hmin', { h: Math.floor(sec / 3600), m: Math.floor((sec % 3600) / 60) });
}

/** The visitor's clock now, in their time zone (or by their UTC offset). @param {any} c */
function localTime(c) {
  /** @type {Intl.DateTimeFormatOptions} */
  const opts = { hour: '2-digit', minute: '2-digit' };
  if (typeof c.timeZone === 'string') {
    try {
      return new Date().toLocaleTimeString([], Object.assign({ timeZone: c.timeZone }, opts)) + ' (' + c.timeZone + ')';
    } catch (x) { /* a zone this browser does not know: the offset below */ }
  }
  if (typeof c.utcOffset === 'number') {
    const t = new Date(Date.now() + c.utcOffset * 60000);
    const h = Math.floor(Math.abs(c.utcOffset) / 60);
    const m = Math.abs(c.utcOffset) % 60;
    return t.toLocaleTimeString([], Object.assign({ timeZone: 'UTC' }, opts)) + ' (UTC' + (c.utcOffset < 0 ? '−' : '+')
      + h + (m ? ':' + String(m).padStart(2, '0') : '') + ')';
  }
  return null;
}

const DEVICES = { desktop: 1, tablet: 1, mobile: 1 }; // ctx.device.<device>

/**
 * What renderVisitorContext shows of a chat's context: facts [label, value, key], pages, pageSession, chatsBefore.
 * @param {any} data the answer of GET /chats/{id}/context
 */
export function contextFields(data) {
  /** @type {any} */
  const out = { chatsBefore: Array.isArray(data && data.chatsBefore) ? data.chatsBefore : undefined };
  const s = data && data.session;
  if (!s) {
    out.facts = [[tr('ctx.page'), tr('ctx.pageEnded'), 'page-ended']];
    return out;
  }
  const c = s.context || {};
  out.pageSession = { handle: s.handle, connected: s.connected, startedAt: s.startedAt };
  /** @type {Array<string[]>} */
  const facts = [];
  const add = (/** @type {string} */ key, /** @type {string} */ label, /** @type {any} */ value) => {
    if (value != null && value !== '') facts.push([label, String(value), key]);
  };
  add('path', tr('ctx.page'), c.path);
  add('title', tr('ctx.title'), c.title);
  add('time-on-site', tr('ctx.timeOnSite'), typeof s.startedAt === 'number' ? span(Date.now() - s.startedAt) : null);
  add('local-time', tr('ctx.localTime'), localTime(c));
  add('referrer', tr('ctx.cameFrom'), c.referrer);
  add('device', tr('ctx.device'), DEVICES[/** @type {'desktop'} */ (c.device)] ? tr('ctx.device.' + c.device) : null);
  add('browser', tr('ctx.browser'), c.browser);
  add('os', tr('ctx.os'), c.os);
  add('language', tr('ctx.language'), c.language);
  if (!c.updatedAt) add('nothing', tr('ctx.page'), tr((c.collected || []).length ? 'ctx.notYet' : 'ctx.noContext'));
  out.facts = facts;
  out.pages = Array.isArray(c.pages) ? c.pages : [];
  return out;
}
