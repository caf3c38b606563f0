// Manual long mode of hostile-hidden-tab.test.mjs (docs/TESTING.md, "Hostile input"): a visitor's page kept in a background
// tab for SC_LONG_MINUTES (default 10) under Chrome's hidden-tab timer policy (once a second, once a minute after
// five minutes), then shown again: the session must have survived or resumed by itself (same code, publishes
// both ways). Not run by the test suite.
//   mvn -q -B -DskipTests package && node src/test/browser/long-hidden-tab.mjs
import { hiddenTabRun } from './hostile-hidden-run.mjs';

const minutes = Number(process.env.SC_LONG_MINUTES ?? 10);
const started = Date.now();
const log = (s) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${s}`);
try {
  const r = await hiddenTabRun({ ms: minutes * 60_000, intensive: process.env.SC_LONG_INTENSIVE === '1', log });
  log(JSON.stringify(r));
  const problems = [];
  if (r.visibility !== 'hidden') problems.push(`the page was not hidden (${r.visibility})`);
  if (r.codes.length !== 1 || r.codes[0] !== r.code) problems.push(`the code changed: ${r.codes.join(' → ')}`);
  if (r.errors.length) problems.push(`errors: ${JSON.stringify(r.errors)}`);
  if (!r.got.includes(1)) problems.push('the publish made while hidden never arrived');
  if (problems.length) {
    log(`FAIL: ${problems.join('; ')}`);
    process.exit(1);
  }
  log(`PASS: the session survived ${minutes} min hidden (${r.retries} reconnect attempts on the way)`);
  process.exit(0);
} catch (e) {
  log(`FAIL: ${e.message}`);
  process.exit(1);
}
