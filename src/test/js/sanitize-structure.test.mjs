// The co-browse sanitiser (webroot/agent/sanitize.js, a classic script) on what a hostile page's stream could do to
// the mirror's structure: nesting, nodes the replayer would keep aside, attributes that take the agent's focus.
// Run: node --test src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const w = {};
vm.runInNewContext(readFileSync(new URL('../../../webroot/agent/sanitize.js', import.meta.url), 'utf8'), { window: w, URL });

/** A sanitiser that has seen a snapshot of document 1 > html 3 > body 5. */
function afterSnapshot() {
  const s = w.scSanitize.create();
  s({ type: 2, timestamp: 1, data: { node: { type: 0, id: 1, childNodes: [{ type: 2, id: 3, tagName: 'html', attributes: {},
    childNodes: [{ type: 2, id: 5, tagName: 'body', attributes: {}, childNodes: [] }] }] } } });
  assert.equal(s.lost(), '');
  return s;
}
const el = (id, attributes = {}) => ({ type: 2, id, tagName: 'b', attributes, childNodes: [] });
const mutation = (adds) => ({ type: 3, timestamp: 2, data: { source: 0, adds } });

test('a chain of adds stops at 512 levels, and the loss is told once', () => {
  const s = afterSnapshot();
  const adds = [];
  for (let i = 0; i < 10000; i++) adds.push({ parentId: i === 0 ? 5 : 1000 + i - 1, nextId: null, node: el(1000 + i) });
  const e = s(mutation(adds));
  assert.equal(e.data.adds.length, 512 - 2, 'body is at depth 2');
  assert.match(s.lost(), /deeper than 512/);
  assert.equal(s.lost(), '');
});

test('a node moved under a deep one cannot take its subtree past the limit', () => {
  const s = afterSnapshot();
  const chain = (first, parent, n) => Array.from({ length: n }, (x, i) => ({ parentId: i === 0 ? parent : first + i - 1, nextId: null, node: el(first + i) }));
  s(mutation(chain(1000, 5, 400).concat(chain(5000, 5, 400)))); // two chains of 400 under body
  s(mutation([{ parentId: 1399, nextId: null, node: el(5000) }])); // the second moved under the first's bottom
  assert.equal(s.lost(), '');
  assert.equal(s(mutation([{ parentId: 5399, nextId: null, node: el(9000) }])).data.adds.length, 0, 'now 802 deep');
  assert.match(s.lost(), /deeper than 512/);
});

test('a snapshot deeper than 512 levels is cut there, without asking for another', () => {
  const s = w.scSanitize.create();
  const top = el(100);
  let n = top;
  for (let i = 0; i < 2000; i++) { const c = el(101 + i); n.childNodes.push(c); n = c; }
  s({ type: 2, timestamp: 1, data: { node: { type: 0, id: 1, childNodes: [top] } } });
  let depth = 0;
  for (let x = top; x; x = x.childNodes[0]) depth++;
  assert.equal(depth, 512);
  assert.equal(s.lost(), '');
});

test('adds to a parent never seen, or with a sibling of id -1, are dropped', () => {
  const s = afterSnapshot();
  const e = s(mutation([{ parentId: 5, nextId: -1, node: el(10) }, { parentId: 5, previousId: -1, nextId: null, node: el(11) },
    { parentId: 777, nextId: null, node: el(12) }, { parentId: 5, nextId: null, node: el(13) }]));
  assert.deepEqual(e.data.adds.map((a) => a.node.id), [13]);
  assert.match(s.lost(), /does not have/);
});

test('rr_open_mode and autofocus never reach the mirror; open does', () => {
  const s = afterSnapshot();
  const e = s(mutation([{ parentId: 5, nextId: null, node: { type: 2, id: 20, tagName: 'dialog', attributes: { open: '', rr_open_mode: 'modal', autofocus: true }, childNodes: [] } }]));
  assert.equal(JSON.stringify(e.data.adds[0].node.attributes), '{"open":""}');
  const m = s({ type: 3, timestamp: 3, data: { source: 0, attributes: [{ id: 20, attributes: { rr_open_mode: 'modal', AutoFocus: '' } }] } });
  assert.equal(JSON.stringify(m.data.attributes[0].attributes), '{}');
});

test('a removed node is no parent any more, until it is added again', () => {
  const s = afterSnapshot();
  s(mutation([{ parentId: 5, nextId: null, node: el(30) }]));
  const e = s({ type: 3, timestamp: 3, data: { source: 0, removes: [{ parentId: 5, id: 30 }], adds: [{ parentId: 30, nextId: null, node: el(31) }] } });
  assert.equal(e.data.adds.length, 0);
  assert.match(s.lost(), /does not have/);
  const moved = s({ type: 3, timestamp: 4, data: { source: 0, removes: [{ parentId: 5, id: 30 }], adds: [{ parentId: 5, nextId: null, node: el(30) }, { parentId: 30, nextId: null, node: el(32) }] } });
  assert.equal(moved.data.adds.length, 2);
  assert.equal(s.lost(), '');
});
