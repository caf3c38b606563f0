// Chat across a gateway restart (issue 5, issue 19 part 6): the gateway process is stopped (SIGTERM, or SIGKILL as
// in a crash) and started again with the same data dir; the transcript is still there (REST and console), the agent
// stays logged in and available, and the visitor's page takes its session (same contact code) and its chat back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, recorded, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleLogin, createAgent, openConsole, rest, restLogin, setAvailable, waitConnected,
  waitWiredButton,
} from './agent-helpers.mjs';
import {
  acceptFirst, consoleSend, frameLines, frameSend, openVisitor, startChatGateway, waitConsoleTexts, waitFrameTexts,
} from './chat-helpers.mjs';

const T = { timeout: 180_000 };
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };

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

describe('chat and a gateway restart', () => {
  for (const signal of ['SIGTERM', 'SIGKILL']) test(`${signal}, restarted with the same data dir: the transcript is still there (REST, console) and the chat goes on`, T, async () => {
    const agent = await openConsole(browser, gw);
    await consoleLogin(agent.page, CAROL.login, CAROL.password);
    await setAvailable(agent.page, 'acme/sales', true);
    const v = await openVisitor(browser, host.origin + '/shop');
    const { code } = await recorded(v.page, '~/site_connect/ready');
    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    const frame = await v.frame();
    const id = await acceptFirst(agent.page);
    const before = ['visitor before', 'agent before', 'visitor again', 'agent again'];
    await frameSend(frame, before[0]);
    await waitConsoleTexts(agent.page, id, before.slice(0, 1));
    await consoleSend(agent.page, id, before[1]);
    await waitFrameTexts(frame, before.slice(0, 2));
    await frameSend(frame, before[2]);
    await waitConsoleTexts(agent.page, id, before.slice(0, 3));
    await consoleSend(agent.page, id, before[3]);
    await waitFrameTexts(frame, before);

    await gw.restart(signal);

    // REST: the stored transcript.
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    const r = await rest(gw, 'GET', `/chats/${id}/messages`, undefined, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.messages.filter((m) => m.from !== 'system').map((m) => m.text), before);

    // The console: its token still works (saved as a hash), so it reconnects without a login and the chat goes on;
    // the agent's availability was restored, so the visitor's button stays enabled.
    await waitConnected(agent.page, 60_000); // its own backoff may have grown while the gateway was down
    await waitConsoleTexts(agent.page, id, before);
    assert.equal(await agent.page.isVisible('#login-form'), false, 'the agent is still logged in');
    await waitWiredButton(v.page, true, 'sales', 30_000);

    // The visitor's frame reconnected, resumed its page session (the same contact code) and its chat.
    await frame.waitForFunction(() => document.body.dataset.status === 'live', null, { timeout: 30_000 });
    const ready = await v.page.evaluate(() => new Promise((resolve) => {
      window.site_connect.subscribe('~/site_connect/ready', (m) => resolve(m));
    }));
    assert.deepEqual(ready, { code }, 'the same contact code after the restart');
    await frameSend(frame, 'visitor after the restart');
    await waitConsoleTexts(agent.page, id, [...before, 'visitor after the restart']);
    await consoleSend(agent.page, id, 'agent after the restart');
    const all = [...before, 'visitor after the restart', 'agent after the restart'];
    await waitFrameTexts(frame, all);
    const seqs = (await frameLines(frame)).map((l) => l.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'no line twice in the frame');

    // Ended: the console's past chats show the transcript.
    await agent.page.click(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-end"]`);
    await frame.waitForSelector('[data-testid="chat-rating"]', { state: 'visible' });
    await agent.page.click('[data-testid="chat-history"] > summary');
    await agent.page.click(`[data-testid="past-chat"][data-chat="${id}"] [data-testid="transcript-open"]`);
    await agent.page.waitForFunction((want) => {
      const got = Array.from(document.querySelectorAll('[data-testid="transcript-log"] > li'))
        .filter((li) => li.dataset.from !== 'system').map((li) => li.querySelector('.scc-text').textContent);
      return JSON.stringify(got) === JSON.stringify(want);
    }, all, { timeout: 10_000 });
    await v.context.close();
    await agent.context.close();
  });
});
