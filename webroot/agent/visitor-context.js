/*! SiteConnect agent console: the visitor context of chats (issue 19 part 2, docs/CONTEXT.md).
 * visitorContexts(api) → {get(chatId, maxAgeMs?) → Promise<data | null>}: GET /chats/{id}/context, cached a moment,
 * one request per chat in flight. contextFields(data) gives what renderVisitorContext (context.js) shows;
 * labelOf(data) the "Visitor on /pricing" label. Text only.
 */
// @ts-check

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

/** "Visitor on /pricing", or null while the page has not told its path. @param {any} data */
export function labelOf(data) {
  const path = data && data.session && data.session.context && data.session.context.path;
  return typeof path === 'string' && path ? 'Visitor on ' + path : null;
}

/** A duration in words: "42 s", "3 min", "1 h 5 min". @param {number} ms */
function span(ms) {
  const sec = Math.max(0, Math.round(ms / 1000));
  return sec < 60 ? sec + ' s' : sec < 3600 ? Math.floor(sec / 60) + ' min'
    : Math.floor(sec / 3600) + ' h ' + Math.floor((sec % 3600) / 60) + ' min';
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

const DEVICES = { desktop: 'Desktop', tablet: 'Tablet', mobile: 'Mobile' };

/**
 * What renderVisitorContext shows of a chat's context: facts [label, value, key], pages, pageSession, chatsBefore.
 * @param {any} data the answer of GET /chats/{id}/context
 */
export function contextFields(data) {
  /** @type {any} */
  const out = { chatsBefore: Array.isArray(data && data.chatsBefore) ? data.chatsBefore : undefined };
  const s = data && data.session;
  if (!s) {
    out.facts = [['Page', 'The visitor\'s page session has ended.', 'page-ended']];
    return out;
  }
  const c = s.context || {};
  out.pageSession = { handle: s.handle, connected: s.connected, startedAt: s.startedAt };
  /** @type {Array<string[]>} */
  const facts = [];
  const add = (/** @type {string} */ key, /** @type {string} */ label, /** @type {any} */ value) => {
    if (value != null && value !== '') facts.push([label, String(value), key]);
  };
  add('path', 'Page', c.path);
  add('title', 'Title', c.title);
  add('time-on-site', 'Time on site', typeof s.startedAt === 'number' ? span(Date.now() - s.startedAt) : null);
  add('local-time', 'Local time', localTime(c));
  add('referrer', 'Came from', c.referrer);
  add('device', 'Device', DEVICES[/** @type {'desktop'} */ (c.device)]);
  add('browser', 'Browser', c.browser);
  add('os', 'System', c.os);
  add('language', 'Language', c.language);
  if (!c.updatedAt) add('nothing', 'Page', (c.collected || []).length ? 'Not told yet.' : 'The site collects no visitor context.');
  out.facts = facts;
  out.pages = Array.isArray(c.pages) ? c.pages : [];
  return out;
}
