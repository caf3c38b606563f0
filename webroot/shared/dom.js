// @ts-check
/**
 * Building DOM from text only (never HTML), for the frame's and the agent console's UI:
 * el('p', {class, text, 'data-testid'…}, ...children). An attribute that is null, undefined or false is left out,
 * true sets it empty; children are nodes or strings (text nodes), or arrays of them.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs]
 * @param {...any} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    const v = attrs[k];
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null) e.append(c);
  return e;
}

/**
 * Text that comes from outside (a visitor, their page, their file): in a <bdi>, so that its direction and any bidi
 * controls in it (U+202E …) cannot reorder the text around it. Longer than `max` characters it is cut with "…" and
 * the whole text goes in the title. attrs as for el().
 * @param {any} text
 * @param {number} [max]
 * @param {Record<string, any>} [attrs]
 */
export function foreign(text, max, attrs) {
  const chars = Array.from(text == null ? '' : String(text));
  const cut = !!max && chars.length > max;
  return el('bdi', Object.assign({ title: cut ? balanced(chars) : null }, attrs,
    { text: balanced(cut ? chars.slice(0, max - 1) : chars) + (cut ? '\u2026' : '') }));
}

/** The same for a text that goes in an attribute (title, aria-label): between U+2068 and U+2069 (an isolate). */
export const isolated = (/** @type {any} */ text) => '\u2068' + balanced(Array.from(text == null ? '' : String(text))) + '\u2069';

/**
 * The text with its bidi controls balanced: an embedding, override or isolate it opens is closed at its end, a
 * closer that matches nothing is dropped. A <bdi> alone is not enough: browsers close it with a U+2069 of their own,
 * which an unclosed U+2066 inside would take, and a stray U+2069 inside would end it early (UAX #9, X6a).
 * @param {string[]} chars
 */
function balanced(chars) {
  /** @type {string[]} */
  const open = []; // the closers owed, innermost last
  let out = '';
  for (const ch of chars) {
    if (ch === '\u202A' || ch === '\u202B' || ch === '\u202D' || ch === '\u202E') open.push('\u202C');
    else if (ch === '\u2066' || ch === '\u2067' || ch === '\u2068') open.push('\u2069');
    else if (ch === '\u202C' || ch === '\u2069') {
      const i = open.lastIndexOf(ch);
      if (i < 0 || (ch === '\u202C' && open.indexOf('\u2069', i) > i)) continue; // matches nothing (in this isolate)
      open.length = i; // a U+2069 also closes the embeddings opened inside its isolate
    }
    out += ch;
  }
  return out + open.reverse().join('');
}
