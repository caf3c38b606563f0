// Seeded generator of pages whose masked content sits behind shadow roots and same-origin iframes, for the deep
// masking test (hostile-masking-deep.test.mjs). Every piece of text, text-bearing attribute and field value carries a
// unique marker (MK<seed>N<n>Q) whose fate is known in advance from the masking rule (docs/COBROWSE.md): the
// nearest of [data-site-connect-mask] / [data-site-connect-unmask] (and, for text, textarea / contenteditable) wins,
// across shadow hosts and iframe elements.
//
// Node side: genCase(seed) → {initial: [container…], ops: [op…], tokens: Map(marker → {masked, where})}.
// Page side: deepLib (a <script>) defines window.__deep = {start(spec), reset(spec), apply(ops), done(text), text(doc)}.
import { rng } from './mirror-gen.mjs';

export const MARKER = /MK\d+N\d+Q/g;
const MAX_DEPTH = 4;
const MAX_IFRAMES = 4;
const ATTR_LEAVES = [['span', 'title'], ['img', 'alt'], ['input', 'placeholder'], ['button', 'aria-label'],
  ['div', 'aria-description'], ['abbr', 'title'], ['li', 'value']];

/**
 * One case: a few containers (div, open shadow host, same-origin iframe: loaded from a URL or about:blank), nested
 * up to MAX_DEPTH, each maybe marked mask or unmask, holding leaves; then late ops (text edits, attribute changes,
 * inserted subtrees, field values set by script, value attributes, contenteditable edits).
 */
export function genCase(seed) {
  const r = rng(seed);
  const tokens = new Map();
  let n = 0;
  let iframes = 0;
  const containers = [];
  const leaves = [];
  const token = (masked, where) => {
    const t = `MK${seed}N${n++}Q`;
    tokens.set(t, { masked, where });
    return t;
  };

  // state: the nearest marker above: 'M' (mask), 'U' (unmask) or '' (none).
  const textMasked = (state) => state === 'M';
  const fieldMasked = (state) => state !== 'U';

  function leaf(state, where) {
    const k = r.pick(['text', 'text', 'attr', 'attr', 'input', 'textarea', 'editable']);
    const l = { k, id: n++, state };
    if (k === 'text') l.marker = token(textMasked(state), `${where} > text`);
    if (k === 'attr') {
      [l.tag, l.name] = r.pick(ATTR_LEAVES);
      l.marker = token(textMasked(state), `${where} > ${l.tag}[${l.name}]`);
    }
    if (k === 'input') {
      l.how = r.pick(['attr', 'prop']);
      l.marker = token(fieldMasked(state), `${where} > input (value ${l.how === 'attr' ? 'attribute' : 'set by script'})`);
    }
    if (k === 'textarea') l.marker = token(fieldMasked(state), `${where} > textarea`);
    if (k === 'editable') l.marker = token(true, `${where} > [contenteditable]`);
    leaves.push(l);
    return l;
  }

  function container(depth, parentState, path) {
    let k = r.pick(['div', 'shadow', 'shadow', 'iframe', 'iframe']);
    if (k === 'iframe' && iframes >= MAX_IFRAMES) k = 'shadow';
    if (k === 'iframe') iframes++;
    const m = r.chance(0.4) ? 'mask' : r.chance(0.45) ? 'unmask' : '';
    const state = m === 'mask' ? 'M' : m === 'unmask' ? 'U' : parentState;
    const src = k === 'iframe' && r.chance(0.5) ? '/deep/blank' : '';
    const where = `${path} > ${k === 'iframe' ? (src ? 'iframe' : 'iframe(about:blank)') : k}${m ? `[${m}]` : ''}`;
    const c = { k, m, src, id: n++, depth, state, where, kids: [] };
    containers.push(c);
    for (let i = 1 + r.int(3); i > 0; i--) c.kids.push(leaf(state, where));
    if (depth < MAX_DEPTH) {
      for (let i = r.int(depth === 0 ? 4 : 3); i > 0; i--) c.kids.splice(r.int(c.kids.length + 1), 0, container(depth + 1, state, where));
    }
    return c;
  }

  const initial = Array.from({ length: 2 + r.int(3) }, () => container(0, '', 'page'));
  const ops = [];
  const of = (k) => leaves.filter((l) => (Array.isArray(k) ? k.includes(l.k) : l.k === k));
  for (let i = 3 + r.int(5); i > 0; i--) {
    const kind = r.pick(['text', 'attr', 'attr', 'add', 'add', 'input', 'valueattr', 'editable']);
    if (kind === 'text' && of('text').length) {
      const l = r.pick(of('text'));
      const marker = token(textMasked(l.state), `late text edit: ${tokens.get(l.marker)?.where ?? 'text'}`);
      if (shadowInFrame(tokens.get(l.marker).where)) tokens.get(marker).unsent = true;
      ops.push({ op: 'text', id: l.id, marker });
    } else if (kind === 'attr') {
      const onLeaf = r.chance(0.5) && of(['text', 'attr']).length;
      const target = onLeaf ? r.pick(of(['text', 'attr'])) : r.pick(containers);
      const home = onLeaf ? tokens.get(target.marker).where : target.where.split(' > ').slice(0, -1).join(' > ');
      const name = r.pick(['title', 'aria-label', 'alt', 'placeholder']);
      const where = onLeaf ? `late attribute ${name}: ${tokens.get(target.marker)?.where}` : `late attribute ${name} on ${target.where}`;
      const marker = token(textMasked(target.state), where);
      if (shadowInFrame(home)) tokens.get(marker).unsent = true;
      ops.push({ op: 'attr', id: target.id, name, marker });
    } else if (kind === 'add') {
      const parent = r.pick(containers);
      const spec = container(Math.min(MAX_DEPTH, parent.depth + 1), parent.state, `${parent.where} > (added late)`);
      ops.push({ op: 'add', id: parent.id, spec });
    } else if (kind === 'input' && of(['input', 'textarea']).length) {
      const l = r.pick(of(['input', 'textarea']));
      ops.push({ op: 'input', id: l.id, marker: token(fieldMasked(l.state), `late value set by script: ${tokens.get(l.marker)?.where}`) });
    } else if (kind === 'valueattr' && of('input').length) {
      const l = r.pick(of('input'));
      const marker = token(fieldMasked(l.state), `late value attribute: ${tokens.get(l.marker)?.where}`);
      tokens.get(marker).hiddenByValue = true; // a field whose value was set shows that value, not this attribute
      ops.push({ op: 'valueattr', id: l.id, marker });
    } else if (kind === 'editable' && of('editable').length) {
      const l = r.pick(of('editable'));
      ops.push({ op: 'editable', id: l.id, marker: token(true, `late contenteditable edit: ${tokens.get(l.marker)?.where}`) });
    }
  }
  return { initial, ops, tokens };
}

/**
 * Whether the last part of a path (after its last iframe) is inside a shadow root. rrweb 2.2.2 often sends no later
 * change there (attribute changes: none seen; text edits: some), masked or not: such markers count as leaks when they
 * arrive unmasked but are not required to arrive (a fidelity gap, not a masking one).
 */
function shadowInFrame(path) {
  const parts = path.split(' > ');
  const frame = parts.findLastIndex((p) => p.startsWith('iframe'));
  return frame >= 0 && parts.slice(frame + 1).some((p) => p.startsWith('shadow'));
}

/** The visitor page's script: builds a case's containers and leaves, applies its ops, reads a document deeply. */
export function deepLib() {
  const reg = new Map();
  const d = document;
  const loaded = (f) => new Promise((resolve) => {
    const doc = f.contentDocument;
    if (doc && doc.URL !== 'about:blank' && doc.readyState === 'complete') resolve();
    else f.addEventListener('load', () => resolve(), { once: true });
  });
  const content = (el) => el.shadowRoot || (el.localName === 'iframe' ? el.contentDocument.body : el);

  async function container(spec, parent) {
    const doc = parent.ownerDocument;
    const el = doc.createElement(spec.k === 'iframe' ? 'iframe' : spec.k === 'shadow' ? 'section' : 'div');
    el.setAttribute('data-c', String(spec.id));
    if (spec.m) el.setAttribute('data-site-connect-' + spec.m, '');
    if (spec.k === 'iframe') el.setAttribute('style', 'width:320px;height:140px;border:1px solid #999');
    if (spec.src) el.src = spec.src + '?f=' + spec.id; // unique: a frame with an ancestor's URL is not loaded
    reg.set(spec.id, el);
    parent.appendChild(el);
    if (spec.k === 'shadow') el.attachShadow({ mode: 'open' });
    if (spec.k === 'iframe' && spec.src) await loaded(el);
    const root = content(el);
    for (const kid of spec.kids) {
      if (kid.kids) await container(kid, root); else leaf(kid, root);
    }
  }

  function leaf(spec, parent) {
    const doc = parent.ownerDocument;
    let el;
    if (spec.k === 'text') { el = doc.createElement('span'); el.textContent = spec.marker; }
    if (spec.k === 'attr') {
      el = doc.createElement(spec.tag);
      el.setAttribute(spec.name, spec.marker);
      if (!/^(img|input)$/.test(spec.tag)) el.textContent = 'attr';
    }
    if (spec.k === 'input') { el = doc.createElement('input'); if (spec.how === 'attr') el.setAttribute('value', spec.marker); }
    if (spec.k === 'textarea') { el = doc.createElement('textarea'); el.textContent = spec.marker; }
    if (spec.k === 'editable') { el = doc.createElement('div'); el.setAttribute('contenteditable', 'true'); el.textContent = spec.marker; }
    el.setAttribute('data-l', String(spec.id));
    reg.set(spec.id, el);
    parent.appendChild(el);
    if (spec.k === 'input' && spec.how === 'prop') setValue(el, spec.marker);
  }

  function setValue(el, v) {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }

  async function build(specs) {
    const root = d.getElementById('deep');
    for (const s of specs) await container(s, root);
  }

  /** Every text, comment, attribute value and field value of a document, through open shadow roots and frames. */
  function text(doc) {
    const out = [];
    const walk = (n) => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3 || c.nodeType === 8) { out.push(c.data); continue; }
        if (c.nodeType !== 1 || c.localName === 'script') continue; // the case's own spec is in the page's script
        for (const a of Array.from(c.attributes)) out.push(a.value);
        if (typeof c.value === 'string') out.push(c.value);
        if (c.localName === 'textarea') continue; // its value shows, not its children
        if (c.shadowRoot) walk(c.shadowRoot);
        if (c.localName === 'iframe') {
          try { if (c.contentDocument) walk(c.contentDocument); } catch (e) { /* cross-origin */ }
        }
        walk(c);
      }
    };
    walk(doc);
    return out.join('\n');
  }

  window.__deep = {
    ready: Promise.resolve(),
    start(specs) { this.ready = build(specs); },
    reset(specs) {
      reg.clear();
      d.getElementById('deep').textContent = '';
      this.ready = build(specs);
      return this.ready;
    },
    async apply(ops) {
      for (const o of ops) {
        const el = reg.get(o.id);
        if (o.op === 'text') el.firstChild.data = o.marker;
        if (o.op === 'attr') el.setAttribute(o.name, o.marker);
        if (o.op === 'add') await container(o.spec, content(el));
        if (o.op === 'input') setValue(el, o.marker);
        if (o.op === 'valueattr') el.setAttribute('value', o.marker);
        if (o.op === 'editable') el.textContent = o.marker;
      }
    },
    done(t) {
      const p = d.createElement('p');
      p.textContent = t;
      d.body.appendChild(p);
    },
    text,
  };
}
