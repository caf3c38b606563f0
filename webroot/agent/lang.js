/*! SiteConnect agent console: its language (docs/I18N.md). The console speaks English; another language is a
 * catalogue in webroot/i18n/console/ and a line in LOAD (loaded with import(), only for who reads it). */
// @ts-check
import { localize, pick, t, tParts, use } from '../shared/i18n.js';
import en from '../i18n/console/en.js';

/** @type {Record<string, () => Promise<{default: import('../shared/i18n.js').Catalogue}>>} */
const LOAD = {};

use('en', en);
const tag = pick(navigator.languages || [navigator.language], ['en', ...Object.keys(LOAD)]);
if (tag !== 'en') {
  LOAD[tag]().then((m) => { use(tag, m.default, en); localize(document); }).catch(() => { /* English stays */ });
}

export { t, tParts };
