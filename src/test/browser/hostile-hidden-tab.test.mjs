// A page in a background tab (issue 9, "Reconnects"), short version for CI: 30 s hidden under Chrome's intensive
// throttling policy from the start (timers at most once a minute, so the frame sends no ping at all meanwhile),
// then shown again: the same session, subscriptions working both ways, nothing reported as an error.
// The 10-minute version is long-hidden-tab.mjs (docs/TESTING.md, "Hostile input").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hiddenTabRun } from './hostile-hidden-run.mjs';

const SECONDS = Number(process.env.SC_HIDDEN_SECONDS ?? 30);

describe('hidden tab', () => {
  test(`${SECONDS} s in a background tab with timers once a minute: the session survives`, { timeout: SECONDS * 1000 + 120_000 }, async (t) => {
    const r = await hiddenTabRun({ ms: SECONDS * 1000, intensive: true, log: (s) => t.diagnostic(s) });
    t.diagnostic(JSON.stringify(r));
    assert.equal(r.visibility, 'hidden', 'the page saw itself hidden');
    // That the browser really throttled the hidden frame (a 1 s timer wakes ~SECONDS times unthrottled): the frame's
    // timers run in at most a few aligned slots (several timers in one slot are one wake-up).
    assert.ok(r.wakeups <= Math.ceil(SECONDS / 60) + 2, `the frame's timers were throttled (${r.wakeups} wake-ups)`);
    assert.deepEqual(r.codes, [r.code], 'the same code all along: the session survived');
    assert.deepEqual(r.errors, [], 'no error reported to the page');
    assert.ok(r.got.includes(1), 'the publish made while hidden reached the hidden page');
  });
});
