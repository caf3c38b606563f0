// A page left in a background tab (issue 9, "Reconnects"), shared by hostile-hidden-tab.test.mjs (short, CI) and
// long-hidden-tab.mjs (10 minutes, manual).
//
// Chromium is launched without Playwright's --disable-background-timer-throttling / --disable-renderer-backgrounding
// / --disable-backgrounding-occluded-windows, and the visitor's tab is covered by another tab opened on top. Headless
// Chromium (and Playwright-driven headed Chromium here) still reports such a tab visible and runs its timers at full
// speed, so every frame of the visitor's tab also gets Chrome's documented hidden-tab policy applied by an init
// script while it is "hidden": document.visibilityState is 'hidden' (with a visibilitychange event), timers fire at
// most once a second, and after five minutes hidden (or from the start with `intensive`) at most once a minute,
// aligned to the minute, as Chrome's intensive throttling does. Network events (WebSocket messages) are not
// delayed, as in Chrome. The frame's pings therefore go out once a minute at best.
import { chromium } from 'playwright-core';
import { BASE_ARGS } from './hostile-helpers.mjs';
import { hostPage, recorded, startGateway, startHost } from './helpers.mjs';

/** Runs in every frame: while window.__scHidden is set, timers follow the hidden-tab policy. */
function throttle() {
  const real = { setTimeout: window.setTimeout, clearTimeout: window.clearTimeout, setInterval: window.setInterval, clearInterval: window.clearInterval };
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState');
  const hiddenDesc = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden');
  let hiddenSince = 0;
  let intensive = false;
  let lastWake = 0;
  window.__scWakeups = 0; // wake-ups while hidden: timers that run in the same slot count once, as the browser runs them
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get() { return hiddenSince ? 'hidden' : desc.get.call(this); } });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get() { return hiddenSince ? true : hiddenDesc.get.call(this); } });
  /** When a timer due at `due` may run: the next 1 s (or 60 s) boundary while hidden. */
  const slot = (due) => {
    if (!hiddenSince) return due;
    const align = intensive || due - hiddenSince > 5 * 60_000 ? 60_000 : 1_000;
    return Math.ceil(due / align) * align;
  };
  const timers = new Map();
  let ids = 1;
  const arm = (id) => {
    const t = timers.get(id);
    if (!t) return;
    const wait = Math.max(0, slot(t.due) - Date.now());
    t.real = real.setTimeout.call(window, () => {
      if (!timers.has(id)) return;
      if (slot(t.due) > Date.now() + 5) return arm(id); // hidden meanwhile: wait for the slot
      if (hiddenSince && Date.now() - lastWake > 500) window.__scWakeups++;
      if (hiddenSince) lastWake = Date.now();
      if (t.every) { t.due = Date.now() + t.every; arm(id); } else timers.delete(id);
      try { typeof t.fn === 'function' ? t.fn(...t.args) : (0, eval)(String(t.fn)); } catch (e) { real.setTimeout.call(window, () => { throw e; }); }
    }, wait);
  };
  const add = (fn, ms, args, every) => {
    const id = ids++;
    const d = Math.max(0, Number(ms) || 0);
    timers.set(id, { fn, args, due: Date.now() + d, every: every ? Math.max(d, 4) : 0 });
    arm(id);
    return id;
  };
  const clear = (id) => { const t = timers.get(id); if (t) { real.clearTimeout.call(window, t.real); timers.delete(id); } };
  window.setTimeout = function (fn, ms, ...args) { return add(fn, ms, args, false); };
  window.setInterval = function (fn, ms, ...args) { return add(fn, ms, args, true); };
  window.clearTimeout = clear;
  window.clearInterval = clear;
  const rearm = () => timers.forEach((t, id) => { real.clearTimeout.call(window, t.real); arm(id); });
  window.__scHide = (on, strong) => {
    hiddenSince = on ? Date.now() : 0;
    intensive = !!strong;
    window.__scWakeups = 0;
    rearm();
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

/** Hides (or shows) the tab: every frame of the page switches policy at once. */
async function setHidden(page, on, intensive) {
  await Promise.all(page.frames().map((f) => f.evaluate(([o, i]) => window.__scHide && window.__scHide(o, i), [on, intensive]).catch(() => {})));
}

/**
 * Opens a visitor page, hides its tab for `ms`, shows it again and checks that the page session survived or
 * resumed by itself: the same code, no error, and a publish from another visitor reaches it (and one from it
 * reaches the other). Returns what it saw; throws with the reason otherwise. `log(text)` reports progress.
 */
export async function hiddenTabRun({ ms, intensive = false, log = () => {} }) {
  const host = await startHost();
  const gw = await startGateway({ hostOrigin: host.origin });
  host.page('/', hostPage(gw.origin));
  const browser = await chromium.launch({
    executablePath: process.env.SC_CHROMIUM || '/usr/bin/chromium',
    args: BASE_ARGS,
    ignoreDefaultArgs: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows'],
  });
  try {
    const context = await browser.newContext();
    await context.addInitScript(throttle);
    const page = await context.newPage();
    await page.goto(`${host.origin}/`);
    const { code } = await recorded(page, '~/site_connect/ready');
    await page.evaluate(() => new Promise((resolve) => {
      window.__got = [];
      window.site_connect.subscribe('public/hidden/#', (m) => window.__got.push(m.n), resolve);
    }));
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${host.origin}/`);
    await recorded(other, '~/site_connect/ready');
    await other.evaluate(() => new Promise((resolve) => {
      window.__got = [];
      window.site_connect.subscribe('public/hidden/#', (m) => window.__got.push(m.n), resolve);
    }));

    // Another tab on top, as a visitor switching tabs does; then the hidden-tab policy in every frame.
    const cover = await context.newPage();
    await cover.goto('about:blank');
    await cover.bringToFront();
    await setHidden(page, true, intensive);
    const seen = await page.evaluate(() => document.visibilityState);
    log(`hidden for ${Math.round(ms / 1000)} s (${intensive ? 'intensive throttling from the start' : 'throttling, intensive after 5 min'})`);
    // The hidden period itself is the wait; halfway through, a publish into the hidden tab.
    const sleep = (t) => new Promise((r) => setTimeout(r, t));
    await sleep(ms / 2);
    await other.evaluate(() => window.site_connect.publish('public/hidden/x', { n: 1 }));
    await sleep(ms / 2);
    const wakeups = await page.frames()[1]?.evaluate(() => window.__scWakeups).catch(() => null);
    await page.bringToFront();
    await setHidden(page, false);
    log(`shown again; the frame's timers woke ${wakeups} times while hidden`);

    // Subscriptions still work both ways (a resumed session resubscribes: publish until one arrives).
    await other.evaluate(() => window.site_connect.publish('public/hidden/x', { n: 2 }));
    await page.waitForFunction(() => window.__got.includes(2), null, { timeout: 60_000 })
      .catch(() => { throw new Error('a publish after the hidden period did not reach the page'); });
    await page.evaluate(() => window.site_connect.publish('public/hidden/x', { n: 3 }));
    await other.waitForFunction(() => window.__got.includes(3), null, { timeout: 30_000 })
      .catch(() => { throw new Error('a publish from the page after the hidden period did not reach the other page'); });
    const after = await page.evaluate(() => ({
      codes: window.__events.filter((e) => e.topic === '~/site_connect/ready' || e.topic === '~/site_connect/new_code').map((e) => e.msg.code),
      errors: window.__events.filter((e) => e.topic === '~/site_connect/error').map((e) => e.msg),
      retries: window.__events.filter((e) => e.topic === '~/site_connect/retry').length,
      got: window.__got,
    }));
    return { code, visibility: seen, wakeups, ...after };
  } finally {
    await browser.close();
    await gw.stop();
    await host.close();
  }
}
