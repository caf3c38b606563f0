// The browser's one topic matcher (webroot/shared/topics.js) against the table the Java TopicMatchingTest reads:
// src/test/resources/topic-matching.json. Run: node --test src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { matches, pageTopicError } from '../../../webroot/shared/topics.js';

const table = JSON.parse(readFileSync(new URL('../resources/topic-matching.json', import.meta.url), 'utf8'));

test('the shared table covers the rules both sides must agree on', () => {
  const has = (pred) => table.some(pred);
  assert.ok(has((v) => v.filter.split('/').includes('+')), "'+'");
  assert.ok(has((v) => v.filter.endsWith('#')), "'#'");
  assert.ok(has((v) => v.topic.startsWith('$') && !v.match), "'$' topics and leading wildcards");
  assert.ok(has((v) => v.topic.startsWith('~') && !v.match), "'~' topics and leading wildcards");
});

for (const { filter, topic, match } of table) {
  test(`"${filter}" ${match ? 'matches' : 'does not match'} "${topic}"`, () => {
    assert.equal(matches(filter, topic), match);
  });
}

test('a page may not publish with wildcards, on $ topics, or in an unknown ~ scope', () => {
  assert.equal(pageTopicError('a/+', false), "a published topic must not contain '+' or '#'");
  assert.equal(pageTopicError('$sys/x', false), "'$' topics are read-only to pages");
  assert.equal(pageTopicError('~other/x', true), "unknown scope '~other'");
  assert.equal(pageTopicError('a/#/b', true), "'#' must be the last level");
  assert.equal(pageTopicError('a+', true), "wildcards must fill a whole level ('a+')");
  assert.equal(pageTopicError('', true), 'must not be empty');
  assert.equal(pageTopicError('~pagesession/#', true), '');
  assert.equal(pageTopicError('$sites/k/chat_button/+', true), '');
});
