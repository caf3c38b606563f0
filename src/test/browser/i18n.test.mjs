// Languages (issue 20, docs/I18N.md): the widget in German, French, Dutch, Spanish and Arabic, each reached by one of
// the ways a language is chosen — site_connect.start(key, {lang}), data-lang on the script tag, the site's
// `sites[].lang`, the browser's languages — and the order between them; the server's codes (a system line, how the
// chat ended, an error) said in the visitor's language; Arabic right to left; screenshots at 1280×800.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ROOT, SITE, hostPage, launch, recorded, RECORDER, siteFrame, startHost } from './helpers.mjs';
import { consoleLogin, createAgent, openConsole, setAvailable, waitWiredButton } from './agent-helpers.mjs';
import { acceptFirst, startChatGateway } from './chat-helpers.mjs';

const T = { timeout: 60_000 };
const SHOTS = ROOT + 'target/screenshots/';
const ERIN = { login: 'erin', name: 'Erin Agent', password: 'erin-secret-password', buttons: ['acme/sales', 'dutch/sales'] };
const BUTTONS = [{ id: 'sales', name: 'Sales' }];

let host, gw, browser, agent;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost();
  gw = await startChatGateway({
    hostOrigin: host.origin,
    conf: { sites: [
      { key: SITE, origins: [host.origin], buttons: BUTTONS },
      { key: 'dutch', origins: [host.origin], buttons: BUTTONS, lang: 'nl' }, // the site's setting
    ] },
  });
  await createAgent(gw, ERIN);
  const page = (site, script = '', extra = '') => hostPage(gw.origin, {
    script: `data-code="${site}" ${script}`,
    body: '<button type="button" data-site-connect-chat-button="sales">Chat</button>',
    after: RECORDER + extra,
  });
  host.page('/start-de', page('dutch', 'data-no-init data-lang="fr"',
    `<script>site_connect.start('dutch', { lang: 'de' });</script>`)); // start() beats data-lang and the site
  host.page('/attr-fr', page(SITE, 'data-lang="fr"'));
  host.page('/site-nl', page('dutch'));
  host.page('/browser', page(SITE));
  host.page('/start-ar', page(SITE, 'data-no-init', `<script>site_connect.start('${SITE}', { lang: 'ar' });</script>`));
  host.page('/unknown', page(SITE, 'data-lang="tlh"')); // a language the widget does not have: the next choice
  browser = await launch();
  agent = await openConsole(browser, gw);
  await consoleLogin(agent.page, ERIN.login, ERIN.password);
  await setAvailable(agent.page, 'acme/sales', true);
  await setAvailable(agent.page, 'dutch/sales', true);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** A visitor whose browser prefers `locale` opens `path`; the widget shown: {page, frame, context}. */
async function open(path, locale) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  const page = await context.newPage();
  await page.goto(host.origin + path);
  await recorded(page, '~/site_connect/ready');
  await page.evaluate(() => window.site_connect.publish('~pagesession/show_frame', {}));
  const frame = await siteFrame(page);
  await frame.waitForSelector('.sc-widget', { state: 'visible' });
  return { page, frame, context };
}

/** What the frame says: its language and direction, and the texts a visitor reads first. */
const said = (frame) => frame.evaluate(() => ({
  lang: document.documentElement.lang,
  dir: document.documentElement.dir,
  title: document.querySelector('.sc-head h1').textContent,
  intro: document.querySelector('.sc-body p').textContent,
  status: document.querySelector('.sc-s-live').textContent,
  close: document.getElementById('sc-close').getAttribute('aria-label'),
  send: document.querySelector('[data-testid="chat-send"]').textContent,
}));

describe('languages', () => {
  test('start(key, {lang}) → German, over data-lang and the site; a chat: system line, error and end said in German', T, async () => {
    const v = await open('/start-de', 'fr-FR');
    assert.deepEqual(await said(v.frame), { lang: 'de', dir: 'ltr', title: 'Brauchen Sie Hilfe?',
      intro: 'Nennen Sie diesen Kontaktcode unserem Support-Mitarbeiter:', status: 'Verbunden', close: 'Schließen',
      send: 'Senden' });

    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    await v.frame.waitForSelector('[data-testid="chat-waiting"]:has-text("Warten auf einen Mitarbeiter")');
    const id = await acceptFirst(agent.page);
    // The server's system line {code: "joined", params: {name}}: said in German, not as the server wrote it.
    await v.frame.waitForSelector('[data-testid="chat-log"] > li[data-from="system"]:has-text("Erin Agent ist dem Chat beigetreten")');
    assert.equal(await v.frame.textContent('[data-testid="chat-with"]'), 'Sie chatten mit Erin Agent.');
    // A server error {code: "empty", message: "an empty message is not sent"}: the code, said in German.
    await v.page.evaluate(() => window.site_connect.publish('~pagesession/chat/send', { cid: 'i18n-empty', text: '' }));
    await v.frame.waitForSelector('[data-testid="chat-error"]:has-text("Eine leere Nachricht wird nicht gesendet.")');
    // Client-side checks and plural forms: 5,000 bytes with German digit grouping.
    await v.frame.fill('[data-testid="chat-input"]', 'x'.repeat(5000));
    await v.frame.press('[data-testid="chat-input"]', 'Enter');
    assert.equal(await v.frame.textContent('[data-testid="chat-error"]'),
      'Diese Nachricht ist zu lang (5.000 Bytes; höchstens 4.096).');
    await v.frame.fill('[data-testid="chat-input"]', '');
    await v.page.screenshot({ path: SHOTS + 'i18n-de-chat.png' });

    // The agent ends the chat: chat/state {ended_by: "agent"} → "Erin Agent hat den Chat beendet."
    await agent.page.click(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-end"]`);
    await v.frame.waitForSelector('[data-testid="chat-with"]:has-text("Erin Agent hat den Chat beendet.")');
    assert.equal(await v.frame.textContent('.sc-chat-rating > p'), 'Der Chat ist beendet. Wie zufrieden waren Sie?');
    await v.frame.waitForSelector('[data-testid="transcript-email-open"]:has-text("Diesen Chat per E-Mail an mich senden")');
    assert.equal(await v.frame.getAttribute('[data-testid="chat-star"][data-rating="3"]', 'aria-label'), '3 von 5');
    await v.context.close();
  });

  test('data-lang="fr" → French; the site\'s lang → Dutch over the browser; the browser → Spanish; unknown → next', T, async () => {
    const fr = await open('/attr-fr', 'es-ES');
    assert.deepEqual(await said(fr.frame), { lang: 'fr', dir: 'ltr', title: 'Besoin d’aide ?',
      intro: 'Communiquez ce code de contact à notre conseiller :', status: 'Connecté', close: 'Fermer', send: 'Envoyer' });
    const nl = await open('/site-nl', 'es-ES');
    assert.deepEqual(await said(nl.frame), { lang: 'nl', dir: 'ltr', title: 'Hulp nodig?',
      intro: 'Noem deze contactcode aan onze medewerker:', status: 'Verbonden', close: 'Sluiten', send: 'Versturen' });
    const es = await open('/browser', 'es-MX');
    assert.deepEqual(await said(es.frame), { lang: 'es', dir: 'ltr', title: '¿Necesita ayuda?',
      intro: 'Dígale este código de contacto a nuestro agente:', status: 'Conectado', close: 'Cerrar', send: 'Enviar' });
    await es.page.screenshot({ path: SHOTS + 'i18n-es.png' });
    const next = await open('/unknown', 'nl-BE'); // data-lang names no language the widget has: the browser's
    assert.equal((await said(next.frame)).title, 'Hulp nodig?');
    const en = await open('/browser', 'it-IT'); // nothing matches: English
    assert.deepEqual(await said(en.frame), { lang: 'en', dir: 'ltr', title: 'Need help?',
      intro: 'Read this contact code to our support agent:', status: 'Connected', close: 'Close', send: 'Send' });
    await Promise.all([fr, nl, es, next, en].map((x) => x.context.close()));
  });

  test('Arabic: right to left, mirrored; waiting and the invitation said in Arabic', T, async () => {
    const v = await open('/start-ar', 'en-US');
    assert.deepEqual(await said(v.frame), { lang: 'ar', dir: 'rtl', title: 'هل تحتاج إلى مساعدة؟',
      intro: 'اقرأ رمز التواصل هذا لموظف الدعم:', status: 'متصل', close: 'إغلاق', send: 'إرسال' });
    // Mirrored: the close button is at the left end of the header, the title at the right.
    const box = async (sel) => (await v.frame.$(sel)).boundingBox();
    const [title, close, min] = [await box('.sc-head h1'), await box('#sc-close'), await box('#sc-min')];
    assert.ok(close.x < min.x && min.x < title.x, `rtl header: close ${close.x}, minimise ${min.x}, title ${title.x}`);
    assert.equal(await v.frame.evaluate(() => getComputedStyle(document.querySelector('.sc-chat')).direction), 'rtl');
    // The visitor asks for a chat: the waiting view in Arabic, then an agent joins and types a line.
    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    await v.frame.waitForSelector('[data-testid="chat-waiting"]:has-text("في انتظار انضمام أحد الموظفين")');
    const id = await acceptFirst(agent.page);
    await v.frame.waitForSelector('[data-testid="chat-log"] > li[data-from="system"]:has-text("انضم Erin Agent إلى المحادثة")');
    await v.frame.fill('[data-testid="chat-input"]', 'مرحبا');
    await v.frame.press('[data-testid="chat-input"]', 'Enter');
    await v.frame.waitForSelector('[data-testid="chat-log"] > li[data-from="visitor"][data-seq]');
    // The visitor's own line sits at the start (left) side in RTL, the system line in the middle.
    const line = await box('[data-testid="chat-log"] > li[data-from="visitor"]');
    const log = await box('[data-testid="chat-log"]');
    assert.ok(line.x - log.x < log.x + log.width - (line.x + line.width), 'the visitor\'s line is on the left in RTL');
    assert.equal(await v.frame.textContent('[data-testid="chat-log"] > li[data-from="visitor"] .sc-msg-meta').then((s) => s.split(' · ')[0]), 'أنت');
    await v.page.screenshot({ path: SHOTS + 'i18n-ar-rtl.png' });
    await v.page.setViewportSize({ width: 390, height: 844 }); // a phone
    await v.page.screenshot({ path: SHOTS + 'i18n-ar-rtl-390.png' });
    await agent.page.click(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-end"]`);
    await v.frame.waitForSelector('[data-testid="chat-with"]:has-text("أنهى Erin Agent المحادثة.")');
    await v.context.close();
  });
});
