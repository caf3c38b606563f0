// @ts-check
/**
 * "Show the agent this page" (docs/ATTACHMENTS.md): a visitor's page snapshot — the co-browse recorder's full
 * snapshot, masked in the visitor's browser as co-browse is — opened as a still page in a dialog, rebuilt by the
 * co-browse mirror (window.scCobrowse.createMirror: rrweb's Replayer in an iframe sandboxed `allow-same-origin`
 * only, every event through window.scSanitize). No script of the page ever runs; nothing of it is fetched from
 * other hosts (the console's CSP).
 */
import { scUi } from './ui.js';
import { foreign } from '../shared/dom.js';
import { t as tr, tParts } from './lang.js';

/** @param {Blob} blob the snapshot file @param {string} title */
export async function openSnapshot(blob, title) {
  const w = /** @type {any} */ (window);
  const { el } = scUi;
  const stage = el('div', { class: 'scc-snapshot-stage', 'data-testid': 'snapshot-stage' });
  const close = el('button', { type: 'button', class: 'small', 'data-testid': 'snapshot-close', text: tr('snapshot.close') });
  const note = el('p', { class: 'error', role: 'alert', hidden: true });
  const dialog = el('dialog', { class: 'scc-snapshot', 'data-testid': 'snapshot-view', 'aria-label': tr('snapshot.pageSnapshot') },
    el('div', { class: 'scc-snapshot-head' },
      el('strong', {}, ...tParts('snapshot.titled', { title: foreign(title, 120) })),
      el('span', { class: 'muted small', text: tr('snapshot.aStillCopyFields') }), close),
    note, stage);
  let mirror = null;
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (mirror) mirror.destroy();
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  try {
    const doc = JSON.parse(await blob.text());
    if (!doc || doc.siteconnectSnapshot !== 1 || !Array.isArray(doc.events)) throw new Error('not a page snapshot');
    await w.scCobrowse.loadRrweb();
    mirror = w.scCobrowse.createMirror(stage);
    mirror.add(doc.events);
  } catch (e) {
    scUi.show(note, tr('snapshot.cannotShow', { why: e instanceof Error ? e.message : String(e) }));
  }
}
