// No postMessage with targetOrigin '*' anywhere (issue 9, DESIGN §7). An init script in every frame of the
// visitor's and the agent's browser contexts (host page, site-connect frame, console, co-browse mirror) records
// every postMessage: the window's own, the windows reached through iframe.contentWindow, window.open, parent,
// opener and MessageEvent.source (cross-origin windows answer with functions of the caller's realm, so patching the
// target alone would miss them), MessagePort, Worker and BroadcastChannel. Then a whole session runs: connect,
// subscribe, publish, chat, co-browse. Not one call may use '*', and the spy must have seen the calls the product
// makes (the host page's connect to the frame, the ports both ways), so the test cannot pass by seeing nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, recorded, siteFrame, startHost } from './helpers.mjs';
import { chatButtonPage, consoleLogin, createAgent, setAvailable, waitWiredButton } from './agent-helpers.mjs';
import { acceptFirst, frameSend, startChatGateway, waitConsoleTexts } from './chat-helpers.mjs';
import { agentState, enterCode } from './cobrowse-helpers.mjs';

const T = { timeout: 120_000 };
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };

/** Runs in every frame before its own scripts; reports each call through the `__pmSpy` binding. */
function spy() {
  const report = (via, target, args) => {
    let origin = args[1];
    if (origin && typeof origin === 'object' && !Array.isArray(origin)) origin = origin.targetOrigin ?? '(default: "/")';
    const type = args[0] && typeof args[0] === 'object' ? args[0].type : typeof args[0];
    try { window.__pmSpy({ via, target, targetOrigin: origin === undefined ? null : String(origin), type: String(type) }); } catch (e) { /* reporting must not break the page */ }
  };
  const winPost = (w, via) => function (...args) {
    report(via, 'window', args);
    return w.postMessage(...args);
  };
  // The window's own postMessage (same-realm callers).
  const own = window.postMessage;
  window.postMessage = function (...args) { report('self', 'window', args); return own.apply(this, args); };
  // Other windows as this realm reaches them. A same-origin window gets its own postMessage wrapped in place; a
  // cross-origin one is returned as a proxy (one per window, so identity comparisons still hold) whose
  // postMessage reports first.
  const proxies = new WeakMap();
  const patched = new WeakSet();
  const wrapWin = (w, via) => {
    if (!w || w === window) return w;
    let same = false;
    try { same = !!w.document; } catch (e) { /* cross-origin */ }
    if (same) {
      if (!patched.has(w)) {
        patched.add(w);
        const theirs = w.postMessage;
        w.postMessage = function (...args) { report(via, 'window', args); return theirs.apply(w, args); };
      }
      return w;
    }
    if (!proxies.has(w)) {
      proxies.set(w, new Proxy(w, {
        get(t, k) {
          if (k === 'postMessage') return winPost(t, via);
          const v = t[k];
          return typeof v === 'function' ? v.bind(t) : v; // close(), focus(), blur(): the only cross-origin functions
        },
        set(t, k, v) { t[k] = v; return true; },
      }));
    }
    return proxies.get(w);
  };
  const getter = (proto, name, via) => {
    const d = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !d.get || !d.configurable) return false;
    Object.defineProperty(proto, name, { ...d, get() { return wrapWin(d.get.call(this), via); } });
    return true;
  };
  getter(HTMLIFrameElement.prototype, 'contentWindow', 'iframe.contentWindow');
  getter(HTMLFrameElement.prototype, 'contentWindow', 'frame.contentWindow');
  getter(HTMLObjectElement.prototype, 'contentWindow', 'object.contentWindow');
  getter(MessageEvent.prototype, 'source', 'event.source');
  getter(window, 'parent', 'parent');
  getter(window, 'opener', 'opener');
  const open = window.open;
  window.open = function (...args) { return wrapWin(open.apply(this, args), 'window.open'); };
  // Ports, workers, broadcast channels: no target origin, but recorded (a product that moved to them shows up).
  for (const [C, name] of [[window.MessagePort, 'MessagePort'], [window.Worker, 'Worker'], [window.BroadcastChannel, 'BroadcastChannel']]) {
    if (!C) continue;
    const p = C.prototype.postMessage;
    C.prototype.postMessage = function (...args) { report(name, name, [args[0]]); return p.apply(this, args); };
  }
}

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  host.page('/shop', chatButtonPage(gw));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** A context whose every frame runs the spy; `calls` gets {frame, via, target, targetOrigin, type}. */
async function spied(calls, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  await context.exposeBinding('__pmSpy', ({ frame }, call) => { calls.push({ frame: frame.url().split('?')[0], ...call }); });
  await context.addInitScript(spy);
  return context;
}

describe('postMessage spy', () => {
  test('a whole session (connect, subscribe, publish, chat, co-browse) never posts with targetOrigin \'*\'', T, async (t) => {
    const calls = [];
    // The agent's console and mirror.
    const agentContext = await spied(calls);
    const console_ = await agentContext.newPage();
    await console_.goto(gw.consoleUrl);
    await consoleLogin(console_, CAROL.login, CAROL.password);
    await setAvailable(console_, 'acme/sales', true);

    // The visitor: connect, subscribe, publish.
    const visitorContext = await spied(calls);
    const page = await visitorContext.newPage();
    await page.goto(`${host.origin}/shop`);
    const { code } = await recorded(page, '~/site_connect/ready');
    await page.evaluate(() => new Promise((resolve) => {
      window.site_connect.subscribe('public/spy/#', () => {}, resolve);
    }));
    await page.evaluate(() => window.site_connect.publish('public/spy/x', { n: 1 }));
    await waitWiredButton(page, true, 'sales', 15_000);

    // Chat: the button, the agent accepts, a line each way.
    await page.click('[data-site-connect-chat-button="sales"]');
    const frame = await siteFrame(page);
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const id = await acceptFirst(console_);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
    await frameSend(frame, 'hello from the visitor');
    await waitConsoleTexts(console_, id, ['hello from the visitor']);

    // Co-browse with the page's code: consent in the frame, the console mirrors the page.
    const agentView = { page: console_ };
    await enterCode(agentView, code);
    await agentState(agentView, 'waiting-consent');
    await frame.click('[data-testid="cobrowse-allow"]', { timeout: 15_000 });
    await agentState(agentView, 'active');
    await console_.waitForFunction(() => document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument?.querySelector('h1')?.textContent === 'Customer page');
    await page.evaluate(() => { document.querySelector('h1').textContent = 'Changed while watched'; });
    await console_.waitForFunction(() => document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument?.querySelector('h1')?.textContent === 'Changed while watched');

    const byFrame = new Map();
    calls.forEach((c) => byFrame.set(`${c.frame} ${c.via}`, (byFrame.get(`${c.frame} ${c.via}`) ?? 0) + 1));
    t.diagnostic(`${calls.length} postMessage calls: ${[...byFrame].map(([k, n]) => `${k} ×${n}`).join('; ')}`);

    // Not vacuous: the spy saw the host page's connect through iframe.contentWindow, and ports in both directions.
    const connect = calls.filter((c) => c.via === 'iframe.contentWindow' && c.type === 'connect');
    assert.ok(connect.length >= 1, 'the spy saw the host page post connect to the frame');
    assert.ok(connect.every((c) => c.targetOrigin === gw.origin), `connect goes to exactly ${gw.origin}: ${JSON.stringify(connect)}`);
    assert.ok(calls.some((c) => c.via === 'MessagePort' && c.frame.startsWith(host.origin)), 'the host page used its port');
    assert.ok(calls.some((c) => c.via === 'MessagePort' && c.frame.startsWith(`${gw.origin}/frame/`)), 'the frame used its port');

    const star = calls.filter((c) => c.targetOrigin !== null && c.targetOrigin.trim() === '*');
    assert.deepEqual(star, [], 'no postMessage with targetOrigin \'*\'');
    const windowCalls = calls.filter((c) => c.target === 'window');
    assert.deepEqual(windowCalls.filter((c) => !c.targetOrigin || c.targetOrigin === '(default: "/")' || c.targetOrigin === '/'
      || !/^https?:\/\/[^/]+$/.test(c.targetOrigin)), [], 'every window postMessage names an exact origin');
    await visitorContext.close();
    await agentContext.close();
  });
});
