// Fixtures for the accessibility tests (docs/ACCESSIBILITY.md): axe-core (npm @axe-core/playwright) on a page and
// every frame in it, WCAG 2.1 A/AA rules, the serious and critical violations listed by view; screenshots.
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { ROOT } from './helpers.mjs';

export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SHOTS = ROOT + 'target/screenshots/';

/**
 * Runs axe on `page` — the page and its frames: AxeBuilder injects axe into every frame, the cross-origin
 * site-connect frame included, and merges their results — and returns the serious and critical violations as
 * readable lines ("rule (impact): target — summary"). `label` names the view in the lines; `rules` runs only those
 * (the dark colour scheme changes colours only: the contrast rule alone is checked again there).
 */
export async function serious(page, label, { include, exclude, rules } = {}) {
  let axe = new AxeBuilder({ page }).withTags(TAGS);
  if (rules) axe = axe.withRules(rules);
  if (include) axe = axe.include(include);
  if (exclude) axe = axe.exclude(exclude);
  const { violations } = await axe.analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${label}: ${v.id} (${v.impact}): ${JSON.stringify(n.target)} — ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)}`));
}

/**
 * axe in both colour schemes — every WCAG A/AA rule in light, the contrast rule again in dark — and, when `shots`
 * has the view, a screenshot of each (a11y-PREFIX-SCHEME-VIEW.png): the serious/critical violations.
 */
export async function bothSchemes(page, view, prefix, shots) {
  const found = [];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    found.push(...await serious(page, `${view} (${scheme})`, scheme === 'dark' ? { rules: ['color-contrast'] } : {}));
    if (shots.has(view)) await shot(page, `${prefix}-${scheme}-${view}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/** A screenshot of the page into target/screenshots/a11y-NAME.png. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}a11y-${name}.png` });
}

/** What has the keyboard focus: in the page, or inside the site-connect frame (`frame:` + its element). */
export async function focused(page, frame) {
  const host = await page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    if (a.tagName === 'IFRAME') return 'iframe';
    return a.id ? `#${a.id}` : a.getAttribute('data-testid') ? `[data-testid="${a.getAttribute('data-testid')}"]` : a.tagName.toLowerCase();
  });
  if (host !== 'iframe' || !frame) return host;
  return 'frame:' + await frame.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    return a.getAttribute('data-testid') || (a.id ? `#${a.id}` : a.tagName.toLowerCase());
  });
}

/** Whether the focused element (in `target`: a page or a frame) shows a focus ring: an outline or a box-shadow. */
export function focusRing(target) {
  return target.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return false;
    const s = getComputedStyle(a);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
  });
}
