// Fixtures for the chat and admin browser tests: a gateway whose data dir and port survive a restart, the
// visitor's chat inside the site-connect frame, the console's chat inbox, and cutting the visitor's connection.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SITE, freePort, recorded, siteFrame } from './helpers.mjs';
import { waitWiredButton } from './agent-helpers.mjs';

const JAR = process.env.SC_GATEWAY_JAR || join(ROOT, 'target/siteconnect-gateway.jar');
const READY_LINE = 'SiteConnect gateway up';

const running = new Set();
process.on('exit', () => running.forEach((p) => p.kill('SIGKILL')));

/**
 * Starts the gateway jar with `-conf file` (cwd = the repo, so webroot/ is served from the working tree) and
 * resolves `ready` once it prints its ready line; `exited` resolves with {code, signal}. Killed on exit whatever
 * happens. `label` names it in errors.
 */
export function launchJar(file, env, { label = 'gateway', timeoutMs = 60_000 } = {}) {
  const proc = spawn('java', ['-jar', JAR, '-conf', file], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  running.add(proc);
  let output = '';
  let up = false;
  const exited = new Promise((r) => proc.once('exit', (code, signal) => { running.delete(proc); r({ code, signal }); }));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${label} not up within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- ${label} output ---\n${output}`));
    };
    const onExit = (code) => fail(new Error(`${label} exited with ${code} before it was up`));
    const onData = (chunk) => {
      output += chunk;
      if (!up && output.includes(READY_LINE)) {
        up = true;
        clearTimeout(timer);
        proc.off('exit', onExit);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', onExit);
  });
  return { proc, ready, exited, output: () => output };
}

async function stopJar(p, signal = 'SIGTERM') {
  if (p.proc.exitCode === null && p.proc.signalCode === null) {
    const exited = new Promise((r) => p.proc.once('exit', r));
    p.proc.kill(signal);
    const t = setTimeout(() => p.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
  running.delete(p.proc);
}

/**
 * The gateway jar with site `acme` (button `sales`) allowed on `hostOrigin`, the admin account `admin`, and its
 * data (agents, transcripts, audit) in a temp dir that `restart()` keeps, on the same port.
 */
export async function startChatGateway({ hostOrigin, graceSeconds = 2, conf = {} } = {}) {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: run mvn -q -B -DskipTests package first`);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const adminPassword = `adm-${randomBytes(12).toString('base64url')}`;
  const dir = mkdtempSync(join(tmpdir(), 'sc-chat-gw-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({
    http: { host: '127.0.0.1', port, publicOrigin: origin },
    sessions: { maxSessions: 100, codeLength: 6 },
    client: { retryMax: 3, retryBaseMs: 200, retryMaxMs: 1000 },
    sites: [{ key: SITE, origins: [hostOrigin], buttons: [{ id: 'sales', name: 'Sales' }] }],
    agents: { disconnectGraceSeconds: graceSeconds },
    data: { dir: data },
    ...conf,
  }, null, 2));
  const env = { SC_ADMIN_PASSWORD: adminPassword };
  let current = launchJar(file, env);
  await current.ready;
  return {
    origin,
    port,
    adminPassword,
    consoleUrl: `${origin}/agent/`,
    output: () => current.output(),
    /** SIGTERM (the gateway drains; SIGKILL: a crash), then the same jar, conf, port and data dir again. */
    async restart(signal = 'SIGTERM') {
      await stopJar(current, signal);
      current = launchJar(file, env);
      await current.ready;
    },
    async stop() {
      await stopJar(current);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- the visitor ----

/**
 * A visitor in its own browser context whose gateway connection the test can cut: `cut()` closes the frame's
 * socket and refuses every reconnect (WebSocket and the SockJS HTTP fallbacks) until `restore()`.
 */
export async function openVisitor(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const sockets = [];
  let cut = false;
  await context.routeWebSocket(/\/eventbus\//, (ws) => {
    if (cut) {
      ws.close({ code: 1011, reason: 'cut by the test' });
      return;
    }
    ws.connectToServer();
    sockets.push(ws);
  });
  await context.route(/\/eventbus\//, (route) => (cut ? route.abort('internetdisconnected') : route.fallback()));
  const page = await context.newPage();
  await page.addInitScript(() => { window.__xss = 0; });
  if (url) await page.goto(url);
  return {
    context,
    page,
    sockets,
    frame: () => siteFrame(page),
    async cut() {
      cut = true;
      await Promise.all(sockets.splice(0).map((ws) => ws.close({ code: 1011, reason: 'cut by the test' }).catch(() => {})));
    },
    restore() { cut = false; },
  };
}

const BOX = '#channelme-siteconnect-container';

/** Waits until the container's data-state-widget-type is `type` (null: the attribute is gone). */
export async function waitWidget(page, type, group = null, timeout = 15_000) {
  try {
    await page.waitForFunction(([sel, t, g]) => {
      const box = document.querySelector(sel);
      return box && box.getAttribute('data-state-widget-type') === t
        && (t === null || g === null || box.getAttribute('data-state-widget-groupname') === g);
    }, [BOX, type, group], { timeout });
  } catch {
    const actual = await page.evaluate((sel) => {
      const box = document.querySelector(sel);
      return box && [box.getAttribute('data-state-widget-type'), box.getAttribute('data-state-widget-groupname')];
    }, BOX);
    throw new Error(`the container's widget is ${JSON.stringify(actual)}, expected ${JSON.stringify([type, group])}`);
  }
}

export function waitDisplay(page, state, timeout = 15_000) {
  return page.waitForSelector(`${BOX}[data-state-display="${state}"]`, { state: 'attached', timeout });
}

/** The chat lines the frame shows: {from, text, seq, state}. */
export function frameLines(frame) {
  return frame.$$eval('#sc-panel-chat [data-testid="chat-log"] > li', (lis) => lis.map((li) => ({
    from: li.dataset.from, text: li.querySelector('.sc-msg-text').textContent,
    seq: li.dataset.seq ? Number(li.dataset.seq) : null, state: li.dataset.state || null,
  })));
}

/** Waits until the frame shows `texts` (stored lines, in this order) and nothing else but system lines. */
export async function waitFrameTexts(frame, texts, timeout = 20_000) {
  try {
    await frame.waitForFunction((want) => {
      const got = Array.from(document.querySelectorAll('#sc-panel-chat [data-testid="chat-log"] > li'))
        .filter((li) => li.dataset.from !== 'system')
        .map((li) => (li.dataset.seq ? '' : '?') + li.querySelector('.sc-msg-text').textContent);
      return JSON.stringify(got) === JSON.stringify(want);
    }, texts, { timeout });
  } catch {
    throw new Error(`the frame shows ${JSON.stringify(await frameLines(frame))}, expected ${JSON.stringify(texts)}`);
  }
}

/** Types a line in the frame's chat and sends it with Enter. */
export async function frameSend(frame, text) {
  await frame.fill('[data-testid="chat-input"]', text);
  await frame.press('[data-testid="chat-input"]', 'Enter');
}

// ---- the console's chat inbox ----

const pane = (id) => `[data-testid="chat-pane"][data-chat="${id}"]`;

/** The chat lines the console shows for chat `id`: {from, text, seq, state}. */
export function consoleLines(page, id) {
  return page.$$eval(`${pane(id)} [data-testid="chat-log"] > li`, (lis) => lis.map((li) => ({
    from: li.dataset.from, text: li.querySelector('.scc-text').textContent,
    seq: li.dataset.seq ? Number(li.dataset.seq) : null, state: li.dataset.state || null,
  })));
}

/** Waits until the console shows `texts` (stored lines, in order; system lines left out) for chat `id`. */
export async function waitConsoleTexts(page, id, texts, timeout = 20_000) {
  try {
    await page.waitForFunction(([sel, want]) => {
      const got = Array.from(document.querySelectorAll(`${sel} [data-testid="chat-log"] > li`))
        .filter((li) => li.dataset.from !== 'system')
        .map((li) => (li.dataset.seq ? '' : '?') + li.querySelector('.scc-text').textContent);
      return JSON.stringify(got) === JSON.stringify(want);
    }, [pane(id), texts], { timeout });
  } catch {
    throw new Error(`the console shows ${JSON.stringify(await consoleLines(page, id))}, expected ${JSON.stringify(texts)}`);
  }
}

export async function consoleSend(page, id, text) {
  await page.fill(`${pane(id)} [data-testid="chat-input"]`, text);
  await page.press(`${pane(id)} [data-testid="chat-input"]`, 'Enter');
}

/** Accepts the oldest waiting chat in the console and returns its id once its pane is open. */
export async function acceptFirst(page, timeout = 20_000) {
  const list = page.locator('[data-testid="side-tab-chats"][aria-selected="false"]'); // the workspace shows live pages
  if (await list.isVisible()) await list.click();
  const item = page.locator('[data-testid="queued-chat"]').first();
  await item.waitFor({ state: 'attached', timeout });
  const id = await item.getAttribute('data-chat');
  // While co-browsing the workspace folds the list away: the header's "N waiting · Accept" takes the oldest.
  if (await item.isVisible()) await item.locator('[data-testid="chat-accept"]').click();
  else await page.click('[data-testid="waiting-accept"]');
  await page.waitForSelector(`${pane(id)}[data-state="active"]`, { timeout });
  return id;
}

/** A visitor opens `url`, clicks the enabled chat button `sales` and waits in the frame: {v, frame}. */
export async function requestChat(browser, url) {
  const v = await openVisitor(browser, url);
  await recorded(v.page, '~/site_connect/ready');
  await waitWiredButton(v.page, true, 'sales', 15_000);
  await v.page.click('[data-site-connect-chat-button="sales"]');
  const frame = await v.frame();
  await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
  return { v, frame };
}
