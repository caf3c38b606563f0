// The page API: subscribe/publish/unsubscribe, the local broker's matching, scopes, acks and bad calls.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostPage, launch, recorded, recordFrameTraffic, startGateway, startHost } from './helpers.mjs';

const T = { timeout: 60_000 };
let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startGateway({ hostOrigin: host.origin });
  host.page('/', hostPage(gw.origin));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** A fresh visitor with a live session; `traffic` records what its frame sends to the gateway. */
async function visitor() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const traffic = recordFrameTraffic(page);
  await page.goto(host.origin + '/');
  await recorded(page, '~/site_connect/ready');
  await page.evaluate(() => {
    window.got = {}; // filter -> [topic, …]
    window.sub = (filter) => new Promise((resolve) => {
      window.got[filter] = [];
      const id = window.site_connect.subscribe(filter, (msg, info) => window.got[filter].push(info.topic),
        (ack) => resolve({ id, ack }));
    });
  });
  return { page, traffic, close: () => context.close() };
}

const got = (page) => page.evaluate(() => window.got);

describe('topics in the page', () => {
  test("local '~/' subscriptions: '+' matches one level, '#' the parent and below, '#' alone no '~' topic", T, async () => {
    const v = await visitor();
    const p = v.page;
    await p.evaluate(() => Promise.all(['~/a/+/c', '~/a/#', '~/+/b/c', '~/a/b/c', '#'].map(window.sub)));
    await p.evaluate(() => ['~/a/b/c', '~/a', '~/a/x/c', '~/a/b/c/d', '~/z/b/c'].forEach((t) => window.site_connect.publish(t, {})));
    assert.deepEqual(await got(p), {
      '~/a/+/c': ['~/a/b/c', '~/a/x/c'],
      '~/a/#': ['~/a/b/c', '~/a', '~/a/x/c', '~/a/b/c/d'],
      '~/+/b/c': ['~/a/b/c', '~/z/b/c'],
      '~/a/b/c': ['~/a/b/c'],
      '#': [],
    });
    await v.close();
  });

  test("session '~pagesession/' subscriptions with '+' and '#' are granted and match the page's publishes once", T, async () => {
    const v = await visitor();
    const p = v.page;
    const acks = await p.evaluate(() => Promise.all(['~pagesession/+/x', '~pagesession/#'].map(window.sub)));
    assert.deepEqual(acks.map((a) => a.ack.granted), [true, true]);
    await p.evaluate(() => ['~pagesession/a/x', '~pagesession/a/y', '~pagesession/b/x'].forEach((t) => window.site_connect.publish(t, 1)));
    // No echo from the server: a later round trip (a second subscription's ack) must not bring duplicates.
    await p.evaluate(() => window.sub('~pagesession/z'));
    const g = await got(p);
    assert.deepEqual(g['~pagesession/+/x'], ['~pagesession/a/x', '~pagesession/b/x']);
    assert.deepEqual(g['~pagesession/#'], ['~pagesession/a/x', '~pagesession/a/y', '~pagesession/b/x']);
    await v.close();
  });

  test("global wildcards through the gateway: '+' and '#' receive another page's publish; the publisher gets it once", T, async () => {
    const a = await visitor();
    const b = await visitor();
    const acks = await b.page.evaluate(() => Promise.all(['public/+/x', 'public/#', 'public/b/done'].map(window.sub)));
    assert.deepEqual(acks.map((x) => x.ack.granted), [true, true, true]);
    await a.page.evaluate(() => Promise.all(['public/#'].map(window.sub)));
    await a.page.evaluate(() => { window.site_connect.publish('public/a/x', { hi: 1 }); window.site_connect.publish('public/a/y', 2); });
    await b.page.waitForFunction(() => window.got['public/#'].length === 2);
    await b.page.evaluate(() => window.site_connect.publish('public/b/done', true));
    await a.page.waitForFunction(() => window.got['public/#'].includes('public/b/done'));
    const ga = await got(a.page);
    const gb = await got(b.page);
    assert.deepEqual(gb['public/+/x'], ['public/a/x']);
    assert.deepEqual(gb['public/#'], ['public/a/x', 'public/a/y', 'public/b/done']);
    assert.deepEqual(ga['public/#'], ['public/a/x', 'public/a/y', 'public/b/done'], 'no echo of its own publishes');
    await a.close();
    await b.close();
  });

  test('acknowledge_func reports {id, topic, granted}: next tick for ~/, after the gateway for others; a denied filter stays local', T, async () => {
    const v = await visitor();
    const r = await v.page.evaluate(async () => {
      const sc = window.site_connect;
      const seen = [];
      const ack = (name) => new Promise((resolve) => {
        const id = sc.subscribe(name, (m, info) => seen.push(info.topic), (a) => resolve({ returned: id, a }));
        seen.push('sync-after-' + name);
      });
      const local = ack('~/ack/me');
      const syncOrder = seen.slice();
      const [l, g, d] = await Promise.all([local, ack('public/ack'), ack('private/#')]);
      sc.publish('private/x', 1); // refused by the gateway, still delivered in the page
      return { syncOrder, l, g, d, seen };
    });
    assert.deepEqual(r.syncOrder, ['sync-after-~/ack/me'], 'ack not called synchronously');
    assert.deepEqual(r.l.a, { id: r.l.returned, topic: '~/ack/me', granted: true });
    assert.deepEqual(r.g.a, { id: r.g.returned, topic: 'public/ack', granted: true });
    assert.equal(r.d.a.granted, false);
    assert.equal(r.d.a.id, r.d.returned);
    assert.equal(typeof r.d.a.reason, 'string');
    assert.ok(r.seen.includes('private/x'), 'the denied subscription still gets local publishes');
    await v.close();
  });

  test('retained messages: a new subscriber gets the last one, flagged; the other matching subscriptions do not get it again', T, async () => {
    const a = await visitor();
    const b = await visitor();
    await a.page.evaluate(() => {
      window.site_connect.publish('public/state', { v: 1 }, { retain: true });
      window.site_connect.publish('public/state', { v: 2 }, { retain: true });
    });
    await a.page.evaluate(() => window.sub('public/sync')); // a's publishes are through
    const info = await b.page.evaluate(() => new Promise((resolve) => {
      window.site_connect.subscribe('public/#', (msg, i) => resolve({ msg, i }));
    }));
    assert.deepEqual(info, { msg: { v: 2 }, i: { topic: 'public/state', retained: true } });
    await b.page.evaluate(() => window.sub('public/#'));
    await b.page.evaluate(() => window.sub('public/state'));
    await b.page.evaluate(() => window.sub('public/sync-b')); // later answers: any stray copy came before
    const g = await got(b.page);
    assert.deepEqual(g['public/#'], ['public/state']);
    assert.deepEqual(g['public/state'], ['public/state']);
    // Local '~/' retained: same rule; an empty payload clears it.
    const local = await b.page.evaluate(async () => {
      const sc = window.site_connect;
      const seen = [];
      const live = (f) => new Promise((r) => sc.subscribe(f, (m, i) => seen.push([f, i.topic, m]), r));
      sc.publish('~/st/a', 'A', { retain: true });
      sc.publish('~/st/b', 'B', { retain: true });
      sc.publish('~/st/b', '', { retain: true });
      await live('~/st/#');
      await live('~/st/a');
      return seen;
    });
    assert.deepEqual(local, [['~/st/#', '~/st/a', 'A'], ['~/st/a', '~/st/a', 'A']]);
    await a.close();
    await b.close();
  });

  test('subscription ids are unique', T, async () => {
    const v = await visitor();
    const ids = await v.page.evaluate(() => {
      const f = () => {};
      const out = [];
      for (let i = 0; i < 40; i++) out.push(window.site_connect.subscribe(i % 2 ? '~/u/' + i : 'public/u/' + i, f));
      out.forEach((id, i) => { if (i % 3 === 0) window.site_connect.unsubscribe(id); });
      for (let i = 0; i < 10; i++) out.push(window.site_connect.subscribe('~/u/again', f));
      return out;
    });
    assert.equal(new Set(ids).size, ids.length);
    await v.close();
  });

  test('unsubscribe stops delivery, locally and from the gateway', T, async () => {
    const a = await visitor();
    const b = await visitor();
    const local = await b.page.evaluate(() => {
      const n = [];
      const id = window.site_connect.subscribe('~/u', (m) => n.push(m));
      window.site_connect.publish('~/u', 1);
      window.site_connect.unsubscribe(id);
      window.site_connect.publish('~/u', 2);
      return n;
    });
    assert.deepEqual(local, [1]);
    const { id } = await b.page.evaluate(() => window.sub('public/u'));
    await b.page.evaluate(() => window.sub('public/u-end'));
    await a.page.evaluate(() => window.site_connect.publish('public/u', 1));
    await b.page.waitForFunction(() => window.got['public/u'].length === 1);
    await b.page.evaluate((i) => window.site_connect.unsubscribe(i), id);
    // After the unsubscribe has reached the gateway (a later command's answer proves it), publish again.
    await b.page.evaluate(() => window.sub('public/u-sync'));
    await a.page.evaluate(() => { window.site_connect.publish('public/u', 2); window.site_connect.publish('public/u-end', 3); });
    await b.page.waitForFunction(() => window.got['public/u-end'].length === 1);
    assert.deepEqual((await got(b.page))['public/u'], ['public/u']);
    await a.close();
    await b.close();
  });

  test("'~/' topics never reach the gateway", T, async () => {
    const v = await visitor();
    const delivered = await v.page.evaluate(() => {
      const n = [];
      window.site_connect.subscribe('~/secret/#', (m, info) => n.push(info.topic));
      window.site_connect.publish('~/secret/1', { card: '4111' }, { retain: true });
      window.site_connect.publish('public/marker', 1); // goes out after the local publish
      return n;
    });
    assert.deepEqual(delivered, ['~/secret/1']);
    await v.traffic.waitFor((f) => f.includes('public/marker')); // everything before it has gone out too
    assert.equal(v.traffic.sent.filter((f) => f.includes('~/')).length, 0, v.traffic.sent.join('\n'));
    await v.close();
  });

  test('bad calls throw an error naming the argument or the broken rule, and change nothing', T, async () => {
    const v = await visitor();
    const r = await v.page.evaluate(() => {
      const sc = window.site_connect;
      const n = [];
      sc.subscribe('~/#', (m, info) => n.push(info.topic));
      const f = () => {};
      const calls = {
        topicType: () => sc.subscribe(42, f),
        hashNotLast: () => sc.subscribe('a/#/b', f),
        partialPlus: () => sc.subscribe('a+', f),
        partialHash: () => sc.subscribe('~/x#', f),
        unknownScope: () => sc.subscribe('~foo/x', f),
        emptyTopic: () => sc.subscribe('', f),
        messageFunc: () => sc.subscribe('~/x', 'not a function'),
        ackFunc: () => sc.subscribe('~/x', f, 5),
        unknownId: () => sc.unsubscribe(987654),
        pubWildcard: () => sc.publish('~/a/+', {}),
        pubType: () => sc.publish(null, {}),
        pubSystem: () => sc.publish('$sys/x', {}),
        pubOptions: () => sc.publish('~/x', {}, 'retain'),
        pubCycle: () => { const o = {}; o.o = o; sc.publish('public/x', o); },
        startKey: () => sc.start(5),
      };
      const out = {};
      for (const [k, call] of Object.entries(calls)) {
        try { call(); out[k] = 'no error'; } catch (e) { out[k] = `${e.constructor.name}: ${e.message}`; }
      }
      return { out, delivered: n };
    });
    const o = r.out;
    assert.match(o.topicType, /^TypeError: .*subscribe: topic must be a string/);
    assert.match(o.hashNotLast, /^Error: .*'a\/#\/b'.*'#' must be the last level/);
    assert.match(o.partialPlus, /^Error: .*wildcards must fill a whole level/);
    assert.match(o.partialHash, /^Error: .*wildcards must fill a whole level/);
    assert.match(o.unknownScope, /^Error: .*unknown scope '~foo'/);
    assert.match(o.emptyTopic, /^Error: .*must not be empty/);
    assert.match(o.messageFunc, /^TypeError: .*message_func must be a function/);
    assert.match(o.ackFunc, /^TypeError: .*acknowledge_func must be a function/);
    assert.match(o.unknownId, /^Error: .*unknown subscription_id 987654/);
    assert.match(o.pubWildcard, /^Error: .*must not contain '\+' or '#'/);
    assert.match(o.pubType, /^TypeError: .*publish: topic must be a string/);
    assert.match(o.pubSystem, /^Error: .*read-only/);
    assert.match(o.pubOptions, /^TypeError: .*options must be an object/);
    assert.match(o.pubCycle, /^TypeError: .*msg must be JSON-serialisable/);
    assert.match(o.startKey, /^TypeError: .*siteKey must be a string/);
    assert.deepEqual(r.delivered, [], 'no refused call delivered anything');
    const after = await v.page.evaluate(() => new Promise((resolve) => {
      window.site_connect.subscribe('~/still/works', (m) => resolve(m));
      window.site_connect.publish('~/still/works', 'yes');
    }));
    assert.equal(after, 'yes');
    await v.close();
  });
});
