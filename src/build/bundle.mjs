// Bundles the browser code (ES modules in webroot/) with esbuild into the directory the jar serves: run by the Maven
// build (pom.xml, exec-maven-plugin) as `node src/build/bundle.mjs <outdir>`; the default outdir is
// target/classes/siteconnect/webroot. The URLs stay those of webroot/: /site_connect.js (a classic script, IIFE,
// minified: the host page's contract), /frame/*.js and /agent/*.js (ES modules, shared code split into chunks).
// sanitize.js, cobrowse.js (agent), recorder.js (co-browse) and demo.js stay classic scripts and are copied as they
// are; the HTML and CSS are copied by Maven.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const src = (path) => resolve(ROOT, 'webroot', path);

/** The page script as the host page gets it (also what src/test/browser/size.mjs measures). */
export const pageScript = {
  entryPoints: [src('site_connect.js')],
  bundle: true,
  format: 'iife',
  minify: true,
  legalComments: 'none',
  target: 'es2017',
  charset: 'utf8',
};

/** The frame's session and transport (frame.js with what it imports), as size.mjs measures it. */
export const frameTransport = { ...pageScript, entryPoints: [src('frame/frame.js')], format: 'esm', target: 'es2020' };

/** ES module entries per page directory: each <script type="module"> of its index.html. */
const MODULES = {
  frame: ['frame.js', 'chat.js', 'consent.js'],
  agent: ['ui.js', 'console.js'],
};
/** Classic scripts served as they are. */
const CLASSIC = ['agent/sanitize.js', 'agent/cobrowse.js', 'cobrowse/recorder.js', 'demo/demo.js'];

export async function bundle(outdir) {
  await esbuild.build({ ...pageScript, outfile: resolve(outdir, 'site_connect.js'), logLevel: 'warning' });
  for (const [dir, entries] of Object.entries(MODULES)) {
    await esbuild.build({
      entryPoints: entries.map((e) => src(dir + '/' + e)),
      bundle: true,
      format: 'esm',
      splitting: true,
      chunkNames: 'chunk-[hash]',
      target: 'es2020',
      charset: 'utf8',
      outdir: resolve(outdir, dir),
      logLevel: 'warning',
    });
  }
  for (const file of CLASSIC) {
    mkdirSync(dirname(resolve(outdir, file)), { recursive: true });
    copyFileSync(src(file), resolve(outdir, file));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(resolve(ROOT, process.argv[2] || 'target/classes/siteconnect/webroot'));
}
