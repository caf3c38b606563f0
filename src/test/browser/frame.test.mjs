// Frame display: ~pagesession/show_frame, minimize_frame, hide_frame change the iframe and data-state-display,
// whether the page publishes them or the frame's own controls do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostPage, launch, recorded, siteFrame, startGateway, startHost } from './helpers.mjs';

const T = { timeout: 60_000 };
let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startGateway({ hostOrigin: host.origin });
  host.page('/', hostPage(gw.origin, {
    body: '<main style="height:2000px"><button id="host-button" style="position:fixed;right:20px;bottom:20px">host</button></main>',
  }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

const BOX = '#channelme-siteconnect-container';

async function state(page) {
  return page.evaluate((sel) => {
    const box = document.querySelector(sel);
    const r = box.getBoundingClientRect();
    const hit = document.elementFromPoint(window.innerWidth - 30, window.innerHeight - 30);
    return { display: box.dataset.stateDisplay, width: r.width, height: r.height, covers: box.contains(hit) };
  }, BOX);
}

function waitDisplay(page, value) {
  // The frame sizes the box once it hears the display state (frame/box.js): wait for the size too.
  return page.waitForFunction(([sel, v]) => {
    const box = document.querySelector(sel);
    const r = box?.getBoundingClientRect();
    return box?.dataset.stateDisplay === v && (v === 'hidden') === (r.width === 0)
      && (v !== 'minimised' || r.height === 48) && (v !== 'shown' || r.height > 48);
  }, [BOX, value]);
}

describe('frame display', () => {
  test('show, minimise and hide the frame from the page', T, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(host.origin + '/');
    await recorded(page, '~/site_connect/ready');
    const frame = await siteFrame(page);

    const hidden = await state(page);
    assert.deepEqual(hidden, { display: 'hidden', width: 0, height: 0, covers: false }, 'hidden never covers the page');

    const heard = page.evaluate(() => new Promise((resolve) => {
      window.site_connect.subscribe('~pagesession/show_frame', (msg, info) => resolve(info.topic));
    }));
    await page.evaluate(() => window.site_connect.publish('~pagesession/show_frame', {}));
    await waitDisplay(page, 'shown');
    assert.equal(await heard, '~pagesession/show_frame', 'local subscribers see it too');
    const shown = await state(page);
    assert.equal(shown.width, 360);
    assert.equal(shown.height, 520);
    assert.equal(shown.covers, true);
    await frame.waitForFunction(() => document.body.dataset.display === 'shown');
    assert.ok(await frame.locator('.sc-widget').isVisible(), 'the frame renders its widget');

    await page.evaluate(() => window.site_connect.publish('~pagesession/minimize_frame', {}));
    await waitDisplay(page, 'minimised');
    const min = await state(page);
    assert.equal(min.height, 48);
    assert.ok(min.width > 0 && min.width < 360);
    await frame.waitForFunction(() => document.body.dataset.display === 'minimised');
    assert.ok(await frame.locator('.sc-bar').isVisible(), 'the frame renders its bar');

    await page.evaluate(() => window.site_connect.publish('~pagesession/hide_frame', {}));
    await waitDisplay(page, 'hidden');
    assert.deepEqual(await state(page), hidden);
    await page.click('#host-button'); // the page underneath is usable
    await context.close();
  });

  test("the frame's own controls open, minimise and close it", T, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.origin + '/');
    await recorded(page, '~/site_connect/ready');
    const frame = await siteFrame(page);
    await page.evaluate(() => window.site_connect.publish('~pagesession/minimize_frame', {}));
    await waitDisplay(page, 'minimised');

    await frame.click('#sc-open');
    await waitDisplay(page, 'shown');
    await frame.click('#sc-min');
    await waitDisplay(page, 'minimised');
    await frame.click('#sc-open');
    await waitDisplay(page, 'shown');
    await frame.click('#sc-close');
    await waitDisplay(page, 'hidden');
    assert.equal((await state(page)).covers, false);
    await context.close();
  });
  test("the frame's module API (window.scFrame): widget state on the container, subscriptions, onLive", T, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.origin + '/');
    await recorded(page, '~/site_connect/ready');
    const frame = await siteFrame(page);

    await frame.evaluate(() => window.scFrame.widget('chat', 'sales'));
    await page.waitForSelector(`${BOX}[data-state-widget-type="chat"][data-state-widget-groupname="sales"]`, { state: 'attached' });
    await frame.evaluate(() => window.scFrame.widget(null));
    await page.waitForFunction((sel) => !document.querySelector(sel).hasAttribute('data-state-widget-type'), BOX);

    await frame.evaluate(() => { window.gotInFrame = []; window.scFrame.subscribe('public/frame/+', (p, topic, info) => window.gotInFrame.push([topic, p, info.retained])); });
    const other = await context.newPage();
    await other.goto(host.origin + '/');
    await recorded(other, '~/site_connect/ready');
    // The frame's subscription is live once its suback is in: publish until it arrives, then check it came once.
    await other.evaluate(() => window.site_connect.publish('public/frame/x', { n: 1 }, { retain: true }));
    await frame.waitForFunction(() => window.gotInFrame.length > 0);
    assert.deepEqual(await frame.evaluate(() => window.gotInFrame[0].slice(0, 2)), ['public/frame/x', { n: 1 }]);
    assert.equal(await frame.evaluate(() => window.scFrame.display()), 'hidden');
    assert.equal(await frame.evaluate(() => typeof window.scFrame.onLive), 'function');
    await context.close();
  });
});
