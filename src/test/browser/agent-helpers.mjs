// Fixtures for the agent-console browser tests: a gateway with agents (admin password from SC_ADMIN_PASSWORD,
// a temp data dir, a short disconnect grace), REST calls from node, the console driven like an agent would, and
// the chat-button state as a customer's page on another origin sees it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORDER, ROOT, SITE, freePort, hostPage } from './helpers.mjs';

const JAR = process.env.SC_GATEWAY_JAR || join(ROOT, 'target/siteconnect-gateway.jar');
const READY_LINE = 'SiteConnect gateway up';
export const CONSOLE_VIEWPORT = { width: 1280, height: 800 };

const running = new Set();
process.on('exit', () => running.forEach((p) => p.kill('SIGKILL')));

/**
 * Starts the gateway jar with site `acme` (button `sales`) on `hostOrigin`, agents with a `graceSeconds`
 * disconnect grace, data in a temp dir, and the admin account `admin` created from SC_ADMIN_PASSWORD.
 */
export async function startAgentGateway({ hostOrigin, graceSeconds = 2, port, extra = {} } = {}) {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: run mvn -q -B -DskipTests package first`);
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const adminPassword = `adm-${randomBytes(12).toString('base64url')}`;
  const dir = mkdtempSync(join(tmpdir(), 'sc-agent-gw-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const conf = {
    http: { host: '127.0.0.1', port, publicOrigin: origin },
    sessions: { maxSessions: 100, codeLength: 6 },
    client: { retryMax: 3, retryBaseMs: 200, retryMaxMs: 1000 },
    sites: [{ key: SITE, origins: [hostOrigin], buttons: [{ id: 'sales', name: 'Sales' }] }],
    agents: { disconnectGraceSeconds: graceSeconds },
    data: { dir: data },
    ...extra, // more keys (sso tests: sso, agents)
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(conf, null, 2));
  // cwd = the repo, as helpers.mjs does: webroot/ is then served from the working tree.
  const proc = spawn('java', ['-jar', JAR, '-conf', file], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SC_ADMIN_PASSWORD: adminPassword },
  });
  running.add(proc);
  let output = '';
  let up = false;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('gateway not up within 60 s')), 60_000);
    const fail = (err) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      running.delete(proc);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`${err.message}\n--- gateway output ---\n${output}`));
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    function onData(chunk) {
      output += chunk;
      // Only once: later output (the shutdown lines) must not remove the exit listener stop() waits on.
      if (!up && output.includes(READY_LINE)) {
        up = true;
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        resolve();
      }
    }
    proc.on('exit', (code) => fail(new Error(`gateway exited with ${code} before it was up`)));
  });
  return {
    origin,
    port,
    adminPassword,
    consoleUrl: `${origin}/agent/`,
    output: () => output,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      running.delete(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- REST from node ----

/** `{status, body, headers}` of one REST call (body parsed when it is JSON). */
export async function rest(gw, method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${gw.origin}/api/v1${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
  return { status: r.status, body: parsed, headers: r.headers };
}

/** Logs in over REST and returns the token (fails the test with the server's answer otherwise). */
export async function restLogin(gw, login, password) {
  const r = await rest(gw, 'POST', '/login', { login, password });
  if (r.status !== 200 || !r.body?.token) {
    throw new Error(`POST /api/v1/login as ${login}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body.token;
}

/** The admin creates an agent over REST (POST /api/v1/agents). */
export async function createAgent(gw, agent) {
  const token = await restLogin(gw, 'admin', gw.adminPassword);
  const r = await rest(gw, 'POST', '/agents', { roles: ['agent'], ...agent }, token);
  if (r.status !== 201) throw new Error(`POST /api/v1/agents ${agent.login}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// ---- the console ----

/**
 * A console in its own browser context at 1280×800. `sockets` holds the console's bridge WebSockets
 * (SockJS's websocket transport) in the order they opened; `beforeGoto(page)` runs before the first navigation.
 */
export async function openConsole(browser, gw, { beforeGoto } = {}) {
  const context = await browser.newContext({ viewport: CONSOLE_VIEWPORT });
  const page = await context.newPage();
  if (beforeGoto) await beforeGoto(page);
  const sockets = [];
  page.on('websocket', (ws) => { if (ws.url().includes('/eventbus/')) sockets.push(ws); });
  const response = await page.goto(gw.consoleUrl);
  return { context, page, sockets, response };
}

/** Fills the login form and submits it with Enter, as an agent would. */
export async function submitLogin(page, login, password) {
  await page.fill('#login-login', login);
  await page.fill('#login-password', password);
  await page.press('#login-password', 'Enter');
}

/** Logs in through the console and waits until its bridge connection is live (agent-session received). */
export async function consoleLogin(page, login, password) {
  await page.waitForSelector('#login-form', { state: 'visible' });
  await submitLogin(page, login, password);
  await page.waitForSelector('#console-view', { state: 'visible', timeout: 15_000 });
  await waitConnected(page);
}

export async function waitConnected(page, timeout = 15_000) {
  try {
    await page.waitForSelector('#conn-state[data-state="live"]', { timeout });
  } catch {
    const text = await page.textContent('#conn-state');
    throw new Error(`the console's bridge connection is not live after ${timeout} ms: "${text}"`);
  }
}

/** Opens the administration page from the console's link (same tab, same login) and waits for the admin view. */
export async function openAdmin(page) {
  await page.click('[data-testid="admin-link"]');
  await page.waitForSelector('[data-testid="admin-module"]', { timeout: 15_000 });
}

/** Shows the live pages: a tab of the workspace's left column (the conversations are the other). */
export async function showLivePages(page) {
  await page.click('[data-testid="side-tab-pages"]');
  await page.waitForSelector('#sessions-panel', { state: 'visible' });
}

const availability = (key) => `[data-testid="button-available"][data-button="${key}"]`;

/** Flips the availability switch of `site/button` with the keyboard (Space) and waits until the PUT is answered. */
export async function setAvailable(page, key, on) {
  const sw = page.locator(availability(key));
  await sw.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await sw.isChecked()) !== on) {
    await sw.focus();
    await page.keyboard.press('Space');
  }
  await page.waitForSelector(`[data-testid="my-button"][data-button="${key}"]:not([aria-busy])`);
  const error = await page.locator('#buttons-error').textContent();
  if ((await sw.isChecked()) !== on) throw new Error(`the console did not switch ${key} ${on ? 'on' : 'off'}: ${error}`);
}

/** Waits until the console shows `site/button` as enabled/disabled on the site. */
export async function consoleButtonState(page, key, state, timeout = 10_000) {
  const sel = `[data-testid="button-state"][data-button="${key}"]`;
  try {
    await page.waitForSelector(`${sel}[data-state="${state}"]`, { timeout });
  } catch {
    const actual = await page.locator(sel).getAttribute('data-state').catch(() => 'missing');
    throw new Error(`the console shows ${key} as ${actual}, expected ${state}`);
  }
}

// ---- the customer's page ----

/** A customer page with a wired chat button for `sales`; RECORDER logs every `~/…` message in window.__events. */
export function chatButtonPage(gw, extra = '') {
  return hostPage(gw.origin, {
    body: '<button type="button" data-site-connect-chat-button="sales">Chat with sales</button>',
    after: RECORDER + extra,
  });
}

/** How many `~/…` messages the page recorded so far (to wait for one that comes after an action). */
export const mark = (page) => page.evaluate(() => window.__events.length);

/** Waits for a recorded message on `topic` at or after position `from` and returns it. */
export async function eventAfter(page, topic, from, timeout = 20_000) {
  try {
    const handle = await page.waitForFunction(([t, n]) => {
      const i = window.__events.findIndex((e, k) => k >= n && e.topic === t);
      return i >= 0 ? { index: i, msg: window.__events[i].msg } : null;
    }, [topic, from], { timeout });
    return handle.jsonValue();
  } catch {
    const seen = await page.evaluate((n) => window.__events.slice(n).map((e) => e.topic), from);
    throw new Error(`the page saw no ${topic} within ${timeout} ms; it saw ${JSON.stringify(seen)}`);
  }
}

/** The wired chat button's state: the `disabled` property, aria-disabled and the site-connect classes. */
export function wiredButton(page, id = 'sales') {
  return page.evaluate((i) => {
    const b = document.querySelector(`[data-site-connect-chat-button="${i}"]`);
    return {
      disabled: b.disabled,
      ariaDisabled: b.getAttribute('aria-disabled'),
      classes: Array.from(b.classList).filter((c) => c.startsWith('site-connect-chat-button-')),
    };
  }, id);
}

/** Waits until the wired chat button is enabled (or disabled): `disabled` and aria-disabled both agree. */
export async function waitWiredButton(page, enabled, id = 'sales', timeout = 5_000) {
  try {
    await page.waitForFunction(([i, on]) => {
      const b = document.querySelector(`[data-site-connect-chat-button="${i}"]`);
      return b && b.disabled === !on && b.getAttribute('aria-disabled') === String(!on);
    }, [id, enabled], { timeout });
  } catch {
    throw new Error(`the wired button is not ${enabled ? 'enabled' : 'disabled'}: ${JSON.stringify(await wiredButton(page, id))}`);
  }
}

/**
 * A screenshot of a console view at 1920×1080 (issue 19 part 7): target/screenshots/<name>-1920.png, with `selector`
 * scrolled into view; the page gets its own viewport size back afterwards.
 */
export async function shot1920(page, name, selector) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1920, height: 1080 });
  if (selector) await page.locator(selector).scrollIntoViewIfNeeded();
  mkdirSync(join(ROOT, 'target/screenshots'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'target/screenshots', `${name}-1920.png`) });
  if (size) await page.setViewportSize(size);
}
