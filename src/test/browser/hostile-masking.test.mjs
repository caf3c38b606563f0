// Masking under hostile pages (issue 9, DESIGN §6): 20 generated visitor pages, each with a seeded password, card
// number and e-mail address in masked fields of many kinds, filled in many ways (in the markup before the
// snapshot, typed, pasted, set by script, set as an attribute, in fields added after the snapshot). One co-browse
// follows the visitor through all of them. Nothing the visitor's browser sends to the gateway may contain any of
// the secrets, nor a plain transformation of them; the page's unmasked text and an unmasked field must arrive
// (so the capture is proven to see what is sent).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostPage, launch, siteFrame, startHost } from './helpers.mjs';
import { createAgent, startAgentGateway } from './agent-helpers.mjs';
import { ANN, agentState, enterCode, openAgent } from './cobrowse-helpers.mjs';
import { SEED, rng, tapBridge } from './hostile-helpers.mjs';

const PAGES = Number(process.env.SC_FUZZ_PAGES ?? 20);
const T = { timeout: 60_000 + PAGES * 15_000 };

// ---- the secrets ----

function cardNumber(r) {
  const d = [r.pick([4, 5]), ...Array.from({ length: 14 }, () => r.int(10))];
  let sum = 0; // Luhn check digit
  for (let i = 0; i < 15; i++) {
    let v = d[14 - i];
    if (i % 2 === 0) { v *= 2; if (v > 9) v -= 9; }
    sum += v;
  }
  d.push((10 - (sum % 10)) % 10);
  const digits = d.join('');
  const sep = r.pick([' ', '-', '', ' ']);
  return digits.match(/.{4}/g).join(sep);
}

const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');

/** The secret and what it could turn into on the way out (each long enough never to occur by chance). */
function needles(kind, value, where) {
  const forms = new Map([[value, 'exact'], [JSON.stringify(value).slice(1, -1), 'JSON-escaped'],
    [encodeURIComponent(value), 'URI-encoded'], [b64(value), 'base64'],
    [value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'), 'HTML-escaped']]);
  if (kind === 'card') {
    const digits = value.replace(/\D/g, '');
    const g = digits.match(/.{4}/g);
    forms.set(digits, 'digits only');
    for (let i = 0; i + 3 <= g.length; i++) forms.set(g.slice(i, i + 3).join(''), `groups ${i + 1}-${i + 3} joined`);
    for (let i = 0; i + 2 <= g.length; i++) {
      for (const sep of [' ', '-', '.', '  ']) forms.set(g[i] + sep + g[i + 1], `groups ${i + 1}-${i + 2} with '${sep}'`);
    }
  }
  if (kind === 'email') forms.set(value.split('@')[0], 'local part');
  if (kind === 'password') forms.set(value.slice(0, 10), 'first 10 characters');
  return [...forms].map(([v, form]) => ({ value: v, form, kind, ...where }));
}

// ---- the pages ----

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The kinds of masked field per secret, and how each can be filled. */
const FIELDS = {
  password: [
    { tag: 'input', attrs: 'type="password" autocomplete="current-password"' },
    { tag: 'input', attrs: 'type="password"' },
    { tag: 'input', attrs: 'type="text" autocomplete="new-password"' },
    { tag: 'input', attrs: 'type="password" name="pin"', reveal: true }, // a "show password" toggle after filling
  ],
  card: [
    { tag: 'input', attrs: 'type="text" autocomplete="cc-number" name="cardnumber"' },
    { tag: 'input', attrs: 'type="tel" inputmode="numeric" autocomplete="cc-number"' },
    { tag: 'input', attrs: 'type="text" name="card" data-site-connect-mask' },
    { tag: 'textarea', attrs: 'name="card-notes"' },
    { tag: 'div', attrs: 'contenteditable="true" data-site-connect-mask', editable: true },
  ],
  email: [
    { tag: 'input', attrs: 'type="email" autocomplete="email" name="email"' },
    { tag: 'input', attrs: 'type="text" name="email"' },
    { tag: 'input', attrs: 'type="search"' },
    { tag: 'textarea', attrs: 'name="message"' },
    { tag: 'div', attrs: 'contenteditable=""', editable: true },
    { tag: 'p', attrs: 'contenteditable="plaintext-only"', editable: true },
  ],
};
const HOW = ['markup', 'typed', 'pasted', 'script', 'attribute', 'dynamic', 'dynamic-typed', 'inner-html'];

function fieldHtml(f, id, value) {
  if (f.tag === 'input') return `<input id="${id}" ${f.attrs}${value == null ? '' : ` value="${esc(value)}"`}>`;
  return `<${f.tag} id="${id}" ${f.attrs}>${value == null ? '' : esc(value)}</${f.tag}>`;
}

/** Wraps html in a random structure: forms, nested divs, tables, lists, fieldsets, details. */
function wrap(r, html, depth = 0) {
  if (depth > 3 || r.next() < 0.25) return html;
  const inner = wrap(r, html, depth + 1);
  switch (r.int(7)) {
    case 0: return `<form onsubmit="return false"><label>Field ${r.int(99)} ${inner}</label></form>`;
    case 1: return divs(r, inner);
    case 2: return `<table><tbody><tr><td>${r.int(1000)}</td><td>${inner}</td></tr></tbody></table>`;
    case 3: return `<fieldset><legend>Step ${r.int(9)}</legend>${inner}</fieldset>`;
    case 4: return `<ul><li>item</li><li>${inner}</li></ul>`;
    case 5: return `<details open><summary>More</summary>${inner}</details>`;
    default: return `<section><article><p>Section ${r.int(50)}</p>${inner}</article></section>`;
  }
}

/** Nested divs, balanced. */
function divs(r, html) {
  const n = 1 + r.int(6);
  return '<div class="box">'.repeat(n) + html + '</div>'.repeat(n);
}

/** Page i: its HTML, the fields with their secrets and fill methods, the plain control texts. */
function generate(i) {
  const r = rng(SEED + i * 7919);
  const secrets = {
    password: r.chars('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789', 8) + r.chars('!#%&*?"<>\\$', 2) + r.chars('abcdefghijkmnopqrstuvwxyz0123456789', 6),
    card: cardNumber(r),
    email: `${r.pick(['vera', 'otto', 'mila', 'jan'])}.${r.chars('abcdefghijkmnopqrstuvwxyz0123456789', 8)}@${r.pick(['mail', 'post', 'web'])}-${r.int(9000) + 1000}.test`,
  };
  const plain = `plain-${SEED}-${i}-${r.chars('abcdefghijklmnopqrstuvwxyz', 8)}`;
  const coupon = `coupon-${SEED}-${i}-${r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 6)}`;
  const fields = Object.keys(secrets).map((kind, k) => {
    const f = r.pick(FIELDS[kind]);
    let how = r.pick(HOW);
    if (how === 'inner-html' && !f.editable) how = 'script';
    return { kind, f, how, id: `f${i}-${k}`, value: secrets[kind] };
  });
  // Fields present in the markup (filled there or later); the dynamic ones are added after the snapshot.
  const blocks = r.shuffle([
    ...fields.filter((x) => !x.how.startsWith('dynamic'))
      .map((x) => (r.next() < 0.5 ? divs : wrap)(r, fieldHtml(x.f, x.id, x.how === 'markup' ? x.value : null))),
    `<p id="plain-${i}">${plain}</p>`,
    wrap(r, `<input id="coupon-${i}" data-site-connect-unmask placeholder="coupon">`),
    ...Array.from({ length: 2 + r.int(4) }, () => wrap(r, `<p>Filler ${r.int(100000)} ${'lorem ipsum '.repeat(1 + r.int(6))}</p>`)),
    `<div id="later-${i}"></div>`,
  ]);
  return { i, secrets, plain, coupon, fields, body: `<h2 id="title">Generated page ${i}</h2>\n${blocks.join('\n')}` };
}

// ---- after the co-browse started on the page: fill what is filled late ----

async function fill(page, x) {
  const sel = `#${x.id}`;
  const editable = !!x.f.editable;
  switch (x.how) {
    case 'markup':
      break;
    case 'typed':
      await page.focus(sel);
      await page.keyboard.type(x.value);
      break;
    case 'pasted':
      await page.focus(sel);
      await page.keyboard.insertText(x.value);
      break;
    case 'script':
      await page.evaluate(([s, v, ed]) => { const el = document.querySelector(s); if (ed) el.textContent = v; else el.value = v; }, [sel, x.value, editable]);
      break;
    case 'attribute':
      await page.evaluate(([s, v, ed]) => {
        const el = document.querySelector(s);
        if (ed || el.tagName === 'TEXTAREA') el.textContent = v; else el.setAttribute('value', v);
      }, [sel, x.value, editable]);
      break;
    case 'inner-html':
      await page.evaluate(([s, v]) => {
        const el = document.querySelector(s);
        el.innerHTML = '<span><b></b></span>';
        el.querySelector('b').textContent = v;
      }, [sel, x.value]);
      break;
    case 'dynamic': // created, filled, then attached
      await page.evaluate(([html, id, v, ed, where]) => {
        const t = document.createElement('template');
        t.innerHTML = html;
        const el = t.content.getElementById(id);
        if (ed) el.textContent = v; else el.value = v;
        document.getElementById(where).append(t.content);
      }, [divs(rng(x.id.length), fieldHtml(x.f, x.id, null)), x.id, x.value, editable, `later-${x.id.split('-')[0].slice(1)}`]);
      break;
    case 'dynamic-typed': // attached empty, then typed into
      await page.evaluate(([html, where]) => {
        const t = document.createElement('template');
        t.innerHTML = html;
        document.getElementById(where).append(t.content);
      }, [fieldHtml(x.f, x.id, null), `later-${x.id.split('-')[0].slice(1)}`]);
      await page.focus(sel);
      await page.keyboard.type(x.value);
      break;
  }
  if (x.f.reveal) await page.evaluate((s) => { document.querySelector(s).type = 'text'; }, sel);
}

/** What the visitor's page now holds in the field (the secret really is on the page). */
const fieldValue = (page, x) => page.evaluate(([s, ed]) => {
  const el = document.querySelector(s);
  return ed ? el.textContent : el.value;
}, [`#${x.id}`, !!x.f.editable]);

// ---- the test ----

let host, gw, browser;
const pages = Array.from({ length: PAGES }, (_, i) => generate(i));

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANN);
  const events = `<script>window.__events = [];
site_connect.subscribe('~/#', function (m, info) { window.__events.push({ topic: info.topic, msg: m }); });</script>`;
  for (const p of pages) host.page(`/gen/${p.i}`, hostPage(gw.origin, { body: p.body, after: events }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

describe('masking on generated pages', () => {
  test(`${PAGES} generated pages (seed ${SEED}): no password, card number or e-mail in anything sent to the gateway`, T, async (t) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tap = tapBridge(context);
    const page = await context.newPage();
    await page.goto(`${host.origin}/gen/0`);
    const code = await (await page.waitForFunction(() => window.__events.find((e) => e.topic === '~/site_connect/ready')?.msg.code,
      null, { timeout: 30_000 })).jsonValue();
    const agent = await openAgent(browser, gw, ANN);
    await enterCode(agent, code);
    const frame = await siteFrame(page);
    await frame.click('[data-testid="cobrowse-allow"]', { timeout: 15_000 });
    await agentState(agent, 'active');

    for (const p of pages) {
      if (p.i > 0) await page.goto(`${host.origin}/gen/${p.i}`); // the co-browse follows (resumed page session)
      await tap.sent(p.plain); // this page's full snapshot went out
      for (const x of p.fields) await fill(page, x);
      await page.focus(`#coupon-${p.i}`);
      await page.keyboard.type(p.coupon);
      // A marker after everything: once it is sent, so is every event recorded before it.
      const done = `done-${SEED}-${p.i}`;
      await page.evaluate((d) => { const el = document.createElement('p'); el.textContent = d; document.body.append(el); }, done);
      await tap.sent(done);
      for (const x of p.fields) assert.equal(await fieldValue(page, x), x.value, `page ${p.i}: the ${x.kind} is on the page (${x.how})`);
    }

    // The capture sees what is sent: every page's plain text and its unmasked field, typed character by character.
    for (const p of pages) {
      assert.ok(tap.texts.some((s) => s.includes(p.plain)), `page ${p.i}: its plain text was sent`);
      assert.ok(tap.texts.some((s) => s.includes(p.coupon)), `page ${p.i}: its unmasked field was sent as typed`);
    }
    const all = pages.flatMap((p) => p.fields.flatMap((x) => needles(x.kind, x.value, { page: p.i, field: `${x.f.tag}[${x.f.attrs}]`, how: x.how })));
    const leaks = tap.find(all);
    const relayed = all.filter((n) => agent.received.some((f) => f.includes(n.value)));
    const ways = new Map();
    pages.forEach((p) => p.fields.forEach((x) => ways.set(`${x.kind}/${x.how}`, (ways.get(`${x.kind}/${x.how}`) ?? 0) + 1)));
    t.diagnostic(`filled: ${[...ways].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
    t.diagnostic(`${tap.raw.length} frames sent, ${tap.texts.length} strings searched for ${all.length} forms of ${PAGES * 3} secrets`);
    assert.deepEqual(leaks, [], `secrets sent to the gateway (seed ${SEED})`);
    assert.deepEqual(relayed, [], `secrets relayed to the console (seed ${SEED})`);
    await agent.context.close();
    await context.close();
  });
});
