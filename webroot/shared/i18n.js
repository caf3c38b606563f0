/*! SiteConnect: message catalogues (docs/I18N.md) — t(key, params), plural forms, times, right-to-left. */
// @ts-check
/**
 * A catalogue maps keys to texts; a text may name parameters as {name}. A plural text is an object of the forms
 * Intl.PluralRules names (one, two, few, many, zero, other: `other` always), chosen by params.count. English is the
 * base: a key missing from the chosen language falls back to it, a key missing from both shows as itself.
 * @typedef {Record<string, string | Record<string, string>>} Catalogue
 */

/** @type {Catalogue} */
let base = {};
/** @type {Catalogue} */
let cat = {};
let lang = 'en';
/** @type {Intl.PluralRules | null} */
let plurals = null;

/** Languages written right to left (the primary subtag). */
const RTL = /^(ar|he|fa|ur|ps|yi|dv)(-|$)/;

/** The language in use (a tag such as "de"). */
export function language() {
  return lang;
}

/** The text direction of a language tag. */
export function direction(tag) {
  return RTL.test(String(tag).toLowerCase()) ? 'rtl' : 'ltr';
}

/**
 * The best of `available` for the first of `wanted` that matches (exactly, else by its primary subtag: "de-AT"
 * → "de", "pt" → "pt-BR"); "en" when none does. Entries that are not strings are skipped.
 * @param {readonly any[]} wanted in order of preference
 * @param {string[]} available
 */
export function pick(wanted, available) {
  const lower = available.map((a) => a.toLowerCase());
  for (const w of wanted) {
    if (typeof w !== 'string' || !w) continue;
    const tag = w.trim().toLowerCase().replace(/_/g, '-');
    const exact = lower.indexOf(tag);
    if (exact > -1) return available[exact];
    const primary = tag.split('-')[0];
    const near = lower.findIndex((a) => a.split('-')[0] === primary);
    if (near > -1) return available[near];
  }
  return 'en';
}

/**
 * Uses a language: its catalogue (over the English base), its plural rules, and lang/dir on the document.
 * @param {string} tag
 * @param {Catalogue} catalogue
 * @param {Catalogue} [english] the base (defaults to the catalogue itself)
 */
export function use(tag, catalogue, english) {
  lang = tag;
  cat = catalogue;
  base = english || catalogue;
  plurals = null;
  numbers = null;
  if (typeof document !== 'undefined') {
    document.documentElement.lang = tag;
    document.documentElement.dir = direction(tag);
  }
}

/** Whether the catalogue (or English) has a text for key. */
export function has(key) {
  return Object.hasOwn(cat, key) || Object.hasOwn(base, key);
}

/** Languages whose numbers are not written with the digits 0-9 by default (CLDR). */
const OWN_DIGITS = /^(ar|fa|ps|ur-in|bn|as|mr|ne|my|dz|ckb|sat|mni)(-|$)/;
/** @type {Intl.NumberFormat | null} */
let numbers = null;

/** Small whole numbers as they are where the digits are 0-9; else one Intl.NumberFormat per language (each costs
 * milliseconds to make, and the widget's first paint formats a dozen numbers: docs/ASSETS.md). */
function format(value) {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value) && value >= 0 && value < 1000 && !OWN_DIGITS.test(lang.toLowerCase())) return String(value);
  numbers = numbers || new Intl.NumberFormat(lang);
  return numbers.format(value);
}

/**
 * The text for key in the language in use, with its {parameters} filled in; `fallback` (or the key) when neither
 * the language nor English has it.
 * @param {string} key
 * @param {Record<string, any> | null} [params]
 * @param {string} [fallback]
 * @returns {string}
 */
export function t(key, params, fallback) {
  return template(key, params, fallback).replace(/\{(\w+)\}/g, (m, name) => (params && params[name] != null ? format(params[name]) : m));
}

/** The key's text (its plural form for params.count) with its {parameters} still in it. */
function template(key, params, fallback) {
  let text = Object.hasOwn(cat, key) ? cat[key] : Object.hasOwn(base, key) ? base[key] : fallback ?? key;
  if (text && typeof text === 'object') {
    const n = Number(params && params.count);
    plurals = plurals || new Intl.PluralRules(lang);
    text = text[plurals.select(n)] ?? text.other;
  }
  return String(text);
}

/**
 * Like t, for el()'s children: the text in parts, where a parameter that is a DOM node (a visitor's text in a <bdi>,
 * dom.js foreign()) stays that node. tParts('ctx.visitorOn', {path: foreign(path)}) → ['Visitor on ', <bdi>].
 * @param {string} key
 * @param {Record<string, any>} params
 * @returns {Array<string | Node>}
 */
export function tParts(key, params) {
  return template(key, params).split(/\{(\w+)\}/).map((s, i) => {
    if (i % 2 === 0) return s;
    const v = params && params[s];
    return v == null ? '{' + s + '}' : typeof v === 'object' ? v : format(v);
  }).filter((s) => s !== '');
}

/** A clock time (hours and minutes) in the language in use; '' for a bad time. */
export function time(at) {
  const d = new Date(at);
  return isNaN(d.getTime()) ? '' : d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
}

/** A date and time in the language in use; '' for a bad time. */
export function dateTime(at) {
  const d = new Date(at);
  return isNaN(d.getTime()) ? '' : d.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Attributes for el(): the key's text, marked so that localize() says it again when the language changes.
 * tx('chat.send') → {text, 'data-i18n'}; tx('widget.close', 'aria-label', 'title') sets those attributes instead.
 * @param {string} key
 * @param {...string} attrs
 */
export function tx(key, ...attrs) {
  if (!attrs.length) return { text: t(key), 'data-i18n': key };
  /** @type {Record<string, string>} */
  const out = {};
  for (const a of attrs) {
    out[a] = t(key);
    out['data-i18n-' + a] = key;
  }
  return out;
}

const ATTRS = ['aria-label', 'title', 'placeholder'];

/**
 * Says every marked text under root again in the language in use: data-i18n (text), data-i18n-<attribute>, with the
 * parameters in data-i18n-params (JSON).
 * @param {ParentNode} root
 */
export function localize(root) {
  const params = (e) => {
    try { return JSON.parse(e.getAttribute('data-i18n-params') || 'null'); } catch (x) { return null; }
  };
  root.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.getAttribute('data-i18n') || '', params(e)); });
  for (const a of ATTRS) {
    root.querySelectorAll('[data-i18n-' + a + ']').forEach((e) => {
      e.setAttribute(a, t(e.getAttribute('data-i18n-' + a) || '', params(e)));
    });
  }
}
