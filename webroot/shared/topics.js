// @ts-check
/**
 * Topics in the browser: MQTT 3.1.1 §4.7 plus our scopes (shared DESIGN §3.1-§3.2). The one matcher that the page
 * script, the frame and the agent console import; its vectors are src/test/resources/topic-matching.json, the same
 * table the Java TopicMatchingTest reads.
 */

/** Splits a topic or filter into its levels (empty levels are legal: `a//b`). */
export function levels(topic) {
  return topic.split('/');
}

/**
 * Whether filter levels F match topic levels T. A filter whose first level is a wildcard never matches a topic
 * whose first level starts with '$' (MQTT-4.7.2-1) or '~' (our page scopes).
 * @param {string[]} F filter levels
 * @param {string[]} T topic levels
 */
export function matchLevels(F, T) {
  const c = T[0].charAt(0);
  if ((c === '$' || c === '~') && (F[0] === '+' || F[0] === '#')) return false;
  for (let i = 0; i < F.length; i++) {
    if (F[i] === '#') return true; // MQTT-4.7.1-2: also matches the parent level
    if (i >= T.length || (F[i] !== '+' && F[i] !== T[i])) return false;
  }
  return F.length === T.length;
}

/** Whether filter matches topic (both strings). */
export function matches(filter, topic) {
  return matchLevels(levels(filter), levels(topic));
}

const encoder = new TextEncoder();

/**
 * What is wrong with a topic (filter = true: a subscription filter) a page gives us, or '' when it is valid.
 * Pages may use the scopes '~' and '~pagesession' only, and may not publish on '$' topics.
 * @param {string} topic
 * @param {boolean} filter
 */
export function pageTopicError(topic, filter) {
  const L = levels(topic);
  if (topic === '') return 'must not be empty';
  if (topic.indexOf('\0') >= 0) return 'must not contain U+0000';
  if (encoder.encode(topic).length > 65535) return 'is longer than 65535 bytes';
  if (L.length > 32) return 'has more than 32 levels';
  for (let i = 0; i < L.length; i++) {
    const l = L[i];
    if (!/[+#]/.test(l)) continue;
    if (!filter) return "a published topic must not contain '+' or '#'";
    if (l.length > 1) return "wildcards must fill a whole level ('" + l + "')";
    if (l === '#' && i < L.length - 1) return "'#' must be the last level";
  }
  const scope = L[0];
  if (scope.charAt(0) === '~' && scope !== '~' && scope !== '~pagesession') return "unknown scope '" + scope + "'";
  if (!filter && scope.charAt(0) === '$') return "'$' topics are read-only to pages";
  return '';
}
