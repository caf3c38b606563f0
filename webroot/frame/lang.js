/*! SiteConnect frame: the widget's language (docs/I18N.md). English is in the first bundle; every other catalogue is a
 * chunk of its own, loaded (import()) only for the visitor who reads it. */
// @ts-check
import { language, localize, pick, use } from '../shared/i18n.js';
import en from '../i18n/widget/en.js';

/** @type {Record<string, () => Promise<{default: import('../shared/i18n.js').Catalogue}>>} */
const LOAD = {
  de: () => import('../i18n/widget/de.js'),
  fr: () => import('../i18n/widget/fr.js'),
  nl: () => import('../i18n/widget/nl.js'),
  es: () => import('../i18n/widget/es.js'),
  ar: () => import('../i18n/widget/ar.js'),
};
/** The widget's languages. */
export const LANGUAGES = ['en', ...Object.keys(LOAD)];

use('en', en);

/**
 * Chooses and loads the widget's language: the host page's (its connect message: site_connect.start(key, {lang})
 * or data-lang on the script tag), else the site's (`sites[].lang`), else the browser's languages, else
 * English; then says every marked text again. Never fails: a catalogue that does not load leaves English.
 * @param {any} page the host page's choice (any value: only a language the widget has counts)
 * @param {string | null | undefined} site the site's setting
 * @returns {Promise<string>} the language used
 */
export function chooseLanguage(page, site) {
  const wanted = [page, site, ...(navigator.languages || [navigator.language])];
  const tag = pick(wanted, LANGUAGES);
  // Already in use (English, which every text was written in from the start): nothing to say again. Saying every
  // text again is DOM work between the host page's connect message and the hello (docs/ASSETS.md).
  if (tag === language()) return Promise.resolve(tag);
  const loaded = tag === 'en' ? Promise.resolve({ default: en }) : LOAD[tag]();
  return loaded
    .then((m) => { use(tag, m.default, en); return tag; })
    .catch(() => { use('en', en); return 'en'; })
    .then((used) => { localize(document); return used; });
}
