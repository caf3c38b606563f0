// The message catalogues (docs/I18N.md): every language has every key of English and nothing else, no empty text,
// the same {placeholders}, the plural forms its language uses; every key the code names exists in English; and
// shared/i18n.js itself (choice of language, parameters, plurals, fallbacks, direction). Run: node --test src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { direction, has, pick, t, tParts, use } from '../../../webroot/shared/i18n.js';

const WEBROOT = new URL('../../../webroot/', import.meta.url);
const read = (path) => readFileSync(new URL(path, WEBROOT), 'utf8');

async function catalogues(dir) {
  const out = {};
  for (const f of readdirSync(new URL(`i18n/${dir}/`, WEBROOT)).filter((n) => n.endsWith('.js')).sort()) {
    out[f.slice(0, -3)] = (await import(new URL(`i18n/${dir}/${f}`, WEBROOT).href)).default;
  }
  return out;
}
const widget = await catalogues('widget');
const consoleCats = await catalogues('console');

const placeholders = (v) => new Set([...(typeof v === 'string' ? [v] : Object.values(v)).join(' ')
  .matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
const forms = (v) => (typeof v === 'string' ? [v] : Object.values(v));

for (const [name, cats] of [['widget', widget], ['console', consoleCats]]) {
  const en = cats.en;
  test(`${name}: English is there and has texts`, () => {
    assert.ok(en && Object.keys(en).length > 30, `${name}/en.js`);
  });
  for (const [lang, cat] of Object.entries(cats)) {
    test(`${name}/${lang}: the keys of English, no empty text, the same placeholders, its plural forms`, () => {
      assert.deepEqual(Object.keys(cat).filter((k) => !(k in en)), [], 'keys English does not have');
      assert.deepEqual(Object.keys(en).filter((k) => !(k in cat)), [], 'keys missing');
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const [key, value] of Object.entries(cat)) {
        for (const text of forms(value)) assert.ok(typeof text === 'string' && text.trim(), `${key}: empty`);
        assert.deepEqual(placeholders(value), placeholders(en[key]), `${key}: placeholders`);
        assert.equal(typeof value, typeof en[key], `${key}: plural in one language, not in the other`);
        if (typeof value === 'object') {
          assert.ok(value.other, `${key}: no 'other' form`);
          for (const c of categories) assert.ok(c in value, `${key}: no '${c}' form (${lang} uses it)`);
          for (const c of Object.keys(value)) assert.ok(categories.includes(c), `${key}: '${c}' is not a ${lang} form`);
        }
      }
    });
  }
}

test('widget: the languages the frame offers are the catalogues there are; five and a right-to-left one', () => {
  const offered = ['en', ...[...read('frame/lang.js').matchAll(/^\s+(\w+): \(\) => import\('\.\.\/i18n\/widget\/(\w+)\.js'\)/gm)]
    .map((m) => (assert.equal(m[1], m[2]), m[1]))];
  assert.deepEqual(offered.sort(), Object.keys(widget).sort());
  for (const l of ['en', 'de', 'fr', 'nl', 'es']) assert.ok(widget[l], l);
  assert.ok(Object.keys(widget).some((l) => direction(l) === 'rtl'), 'a right-to-left language');
});

/** The literal keys (or key prefixes: 'err.') a source names: t('k'), tx('k'), btn('k'), data-i18n*="k". */
function keysIn(text) {
  const keys = new Set();
  for (const m of text.matchAll(/\b(?:t|tr|i18n|tx|btn)\(\s*'([a-z][\w.-]*)'/g)) keys.add(m[1]);
  for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) if (!m[0].startsWith('data-i18n-params')) keys.add(m[1]);
  for (const m of text.matchAll(/'data-i18n(?:-[a-z-]+)?': '([^']+)'/g)) keys.add(m[1]);
  return keys;
}
for (const [name, files, en] of [
  ['widget', ['frame/index.html', 'frame/frame.js', 'frame/chat.js', 'frame/consent.js', 'frame/transcript-email.js',
    'frame/control.js', 'frame/box.js'], widget.en],
  ['console', ['agent/index.html', 'agent/ui.js', 'agent/console.js', 'agent/chat.js', 'agent/cobrowse.js',
    'agent/context.js', 'agent/tools.js', 'agent/transcripts.js', 'agent/cobrowse-view.js', 'agent/snapshot.js', 'agent/admin.js',
    'agent/privacy.js', 'agent/canned-admin.js',
    'agent/control.js', 'agent/cobrowse-draw.js', 'agent/workspace.js', 'agent/sso.js', 'agent/visitor-context.js', 'agent/bridge.js'], consoleCats.en],
]) {
  test(`${name}: every key the code names is in English`, () => {
    const named = new Set(files.flatMap((f) => [...keysIn(read(f))]));
    assert.ok(named.size > 20, `${named.size} keys found`);
    // 'err.' + code: a prefix, said for the codes it has
    const missing = [...named].filter((k) => (k.endsWith('.') ? !Object.keys(en).some((e) => e.startsWith(k)) : !(k in en)));
    assert.deepEqual(missing, []);
  });
}

test('widget: every text of the frame page is marked for translation', () => {
  const html = read('frame/index.html');
  const body = html.slice(html.indexOf('<body'));
  const unmarked = [...body.matchAll(/<(\w+)([^>]*)>([^<]*[A-Za-z][^<]*)</g)]
    .filter((m) => !/data-i18n="/.test(m[2]) && m[1] !== 'script').map((m) => m[3].trim());
  assert.deepEqual(unmarked, []);
});

test('pick: the page, the site, then the browser; primary subtags; English last', () => {
  const have = ['en', 'de', 'fr', 'nl', 'es', 'ar'];
  assert.equal(pick(['fr', 'de'], have), 'fr');
  assert.equal(pick([null, undefined, 'xx', 'de-AT'], have), 'de');
  assert.equal(pick(['nl_BE'], have), 'nl');
  assert.equal(pick(['ES'], have), 'es');
  assert.equal(pick(['it', 'pt-BR'], have), 'en');
  assert.equal(pick([], have), 'en');
  assert.equal(pick([{}, 42, 'ar-EG'], have), 'ar');
});

test('t: parameters, plural forms by count, English for a missing key, the fallback for an unknown one', () => {
  use('ar', widget.ar, widget.en);
  assert.equal(t('chat.with', { name: 'Ann' }), 'أنت تتحدث مع Ann.');
  assert.match(t('chat.tooLong', { count: 5, max: 4096 }), /بايتات/, 'Arabic "few" (3-10)');
  assert.match(t('chat.tooLong', { count: 1, max: 4096 }), /بايت واحد/, 'Arabic "one"');
  use('de', { 'chat.send': 'Senden' }, widget.en);
  assert.equal(t('chat.send'), 'Senden');
  assert.equal(t('chat.cancel'), 'Cancel', 'missing in German: English');
  assert.equal(t('err.some-new-code', null, 'the server says'), 'the server says', 'unknown code: the message');
  assert.equal(t('no.such.key'), 'no.such.key');
  assert.equal(has('chat.cancel'), true);
  assert.equal(has('err.some-new-code'), false);
  use('de', widget.de, widget.en);
  assert.equal(t('chat.tooLong', { count: 5000, max: 4096 }), 'Diese Nachricht ist zu lang (5.000 Bytes; höchstens 4.096).');
  assert.equal(t('chat.tooLong', { count: 1, max: 4096 }), 'Diese Nachricht ist zu lang (1 Byte; höchstens 4.096).');
  assert.equal(t('chat.with', {}), 'Sie chatten mit {name}.', 'a missing parameter stays visible');
  use('en', widget.en);
});

test('direction: Arabic and Hebrew right to left, the others left to right', () => {
  assert.equal(direction('ar'), 'rtl');
  assert.equal(direction('he-IL'), 'rtl');
  assert.equal(direction('de'), 'ltr');
  assert.equal(direction('arn'), 'ltr');
});

test('tParts: the text in parts, a parameter that is a node stays that node (a visitor\'s text in a <bdi>)', () => {
  use('en', { 'x.on': 'Visitor on {path} · {n} left', 'x.first': '{path} first' });
  const node = { nodeType: 1 }; // stands for the <bdi> dom.js foreign() makes
  assert.deepEqual(tParts('x.on', { path: node, n: 3 }), ['Visitor on ', node, ' · ', '3', ' left']);
  assert.deepEqual(tParts('x.first', { path: node }), [node, ' first']);
  assert.deepEqual(tParts('x.on', { n: 1 }), ['Visitor on ', '{path}', ' · ', '1', ' left'], 'a missing parameter shows as itself');
});
