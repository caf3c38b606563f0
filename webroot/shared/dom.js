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
