// Size budgets on the files as the jar serves them (docs/ASSETS.md): the precompressed .br/.gz that src/build/bundle.mjs
// wrote into target/classes/siteconnect/webroot (run `mvn -q -B -DskipTests package` first). Bodies only: the browser
// test src/test/browser/assets.test.mjs measures the same files on the wire in Chromium, headers included.
//   site_connect.js (brotli body) ≤ 4,096 B; what a first visit loads before ~/site_connect/ready — site_connect.js,
//   the frame page and every script and style sheet it names — ≤ 30,720 B (brotli bodies).
// Also prints the co-browse recorder and the agent console's first load. Exits 1 when over budget.
// Run: node src/test/browser/size.mjs
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../build/bundle.mjs';

const DIR = join(ROOT, 'target/classes/siteconnect/webroot');
if (!existsSync(join(DIR, 'assets.json'))) {
  console.error(`${DIR}/assets.json is missing: run mvn -q -B -DskipTests package first`);
  process.exit(1);
}
const { files } = JSON.parse(readFileSync(join(DIR, 'assets.json'), 'utf8'));

/** {identity, gzip, br} sizes of a served file (identity where there is no smaller encoding). */
function sizes(path) {
  if (!files[path]) throw new Error(`${path} is not a built file`);
  const identity = statSync(join(DIR, path)).size;
  const of = (enc, ext) => (files[path].encodings.includes(enc) ? statSync(join(DIR, path + ext)).size : identity);
  return { identity, gzip: of('gzip', '.gz'), br: of('br', '.br') };
}

/** The page and every local script and style sheet it names (src/href), as paths relative to the webroot. */
function page(path) {
  const html = readFileSync(join(DIR, path), 'utf8');
  return [path, ...[...html.matchAll(/\b(?:src|href)="\/([^"?#]+\.(?:js|css))"/g)].map((m) => m[1])];
}

const sum = (paths) => paths.map(sizes).reduce((a, s) => ({ identity: a.identity + s.identity, gzip: a.gzip + s.gzip,
  br: a.br + s.br }), { identity: 0, gzip: 0, br: 0 });

let failed = false;
function report(name, s, budget) {
  const over = budget !== undefined && s.br > budget;
  failed ||= over;
  console.log(`${name}: ${s.br} B brotli, ${s.gzip} B gzip, ${s.identity} B minified` +
    (budget === undefined ? '' : ` (budget ${budget} B brotli)${over ? '  OVER BUDGET' : ''}`));
}

report('site_connect.js', sizes('site_connect.js'), 4096);
const frame = page('frame/index.html');
report(`first visit before ready (site_connect.js + ${frame.join(' + ')})`, sum(['site_connect.js', ...frame]), 30720);
const recorder = Object.keys(files).find((p) => p.startsWith('cobrowse/recorder-'));
report('co-browse recorder (loaded when a co-browse starts)', sizes(recorder));
report('agent console first load (page, scripts, style sheets)', sum(page('agent/index.html')));

process.exit(failed ? 1 : 0);
