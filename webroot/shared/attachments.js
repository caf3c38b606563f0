// @ts-check
/*! SiteConnect: files in a chat (a classic script: window.scAttachments(opts)). */
/**
 * Files in a chat (docs/ATTACHMENTS.md), for the visitor's widget and the agent's workspace. The gateway sniffs
 * each file's type from its bytes; here a chat line with cid `attachment:<id>` becomes the file once the chat's
 * list of attachments confirms the id and the sender (a typed look-alike stays text). Images are previewed only
 * through an <img> of a blob: URL made with the sniffed type (SVG is never accepted); every file is offered as a
 * download. Nothing is ever opened as a page. A classic script, so that the widget loads it only when a chat needs
 * it (it is not part of a first visit's budget, docs/ASSETS.md); the workspace names it in its page.
 */
(function (w) {

const IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const SNAPSHOT = 'application/vnd.siteconnect.snapshot+json';

/**
 * @typedef {{id: string, chatId: string, from: string, name: string, type: string, size: number, at: number}} Attachment
 * @param {{base: () => string, headers: () => Record<string, string>}} opts base: '/api/v1/chats/<id>/attachments'
 *   (or the visitor's), headers: the credentials
 */
function attachments(opts) {
  /** @type {Map<string, Attachment>} */
  let known = new Map();
  let base = '';
  /** @type {Promise<void> | null} */
  let loading = null;

  async function refresh() {
    const b = opts.base();
    const r = await fetch(b, { headers: opts.headers(), credentials: 'omit', cache: 'no-store' });
    if (!r.ok) throw new Error('HTTP ' + r.status);
    const list = await r.json();
    if (b !== base) known = new Map();
    base = b;
    (Array.isArray(list) ? list : []).forEach((a) => known.set(a.id, a));
  }

  /** @param {string} id @returns {Promise<Attachment | undefined>} */
  async function find(id) {
    if (opts.base() !== base || !known.has(id)) {
      loading = loading || refresh().finally(() => { loading = null; });
      await loading.catch(() => {});
    }
    return known.get(id);
  }

  /** The file's bytes as a blob of its sniffed type. @param {Attachment} a */
  async function blob(a) {
    const r = await fetch(opts.base() + '/' + encodeURIComponent(a.id),
      { headers: opts.headers(), credentials: 'omit', cache: 'no-store' });
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return new Blob([await r.arrayBuffer()], { type: a.type });
  }

  /** Saves the file under its name. @param {Attachment} a */
  async function download(a) {
    const url = URL.createObjectURL(await blob(a));
    const link = document.createElement('a');
    link.href = url;
    link.download = a.name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  return {
    /**
     * Sends a file; resolves with the attachment, rejects with the gateway's message.
     * @param {Blob} file @param {string} name
     */
    async upload(file, name) {
      const r = await fetch(opts.base() + '?name=' + encodeURIComponent(name.slice(0, 1000)), {
        method: 'POST', credentials: 'omit', body: file,
        headers: Object.assign({ 'Content-Type': 'application/octet-stream' }, opts.headers()),
      });
      const body = await r.json().catch(() => null);
      if (!r.ok) throw new Error(body && body.error ? body.error.message : 'HTTP ' + r.status);
      known.set(body.id, body);
      return body;
    },
    blob,
    download,
    /**
     * Turns a chat line into the file it announces (when it does): a preview for images, a download button, and
     * onSnapshot(a) for a page snapshot. nameOf(name): how the button shows the sender's file name (the console
     * isolates and shortens it, shared/dom.js foreign()); as it is without.
     * @param {HTMLElement} li @param {{cid?: string, from?: string}} m
     * @param {(a: Attachment) => void} [onSnapshot]
     * @param {(name: string) => Node | string} [nameOf]
     */
    async decorate(li, m, onSnapshot, nameOf) {
      if (typeof m.cid !== 'string' || !m.cid.startsWith('attachment:')) return;
      const a = await find(m.cid.slice('attachment:'.length));
      if (!a || a.from !== m.from || li.querySelector('.sc-file')) return;
      const box = document.createElement('span');
      box.className = 'sc-file';
      box.setAttribute('data-testid', 'attachment');
      box.setAttribute('data-type', a.type);
      if (IMAGES.includes(a.type)) {
        const img = document.createElement('img');
        img.alt = a.name;
        img.className = 'sc-file-preview';
        img.setAttribute('data-testid', 'attachment-preview');
        box.append(img);
        blob(a).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => img.remove());
      }
      const btn = document.createElement('button');
      btn.type = 'button';
      if (a.type === SNAPSHOT && onSnapshot) {
        btn.textContent = 'Open page snapshot';
        btn.setAttribute('data-testid', 'attachment-open');
        btn.addEventListener('click', () => onSnapshot(a));
      } else {
        btn.append('Download ', nameOf ? nameOf(a.name) : a.name, ' (' + Math.max(1, Math.round(a.size / 1024)) + ' KB)');
        btn.setAttribute('data-testid', 'attachment-download');
        btn.addEventListener('click', () => { download(a).catch(() => {}); });
      }
      box.append(btn);
      li.append(box);
    },
  };
}

  /** @type {any} */ (w).scAttachments = attachments;
})(window);
