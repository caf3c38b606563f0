// Size budget (STYLE.md "Size is a feature"): site_connect.js ≤ 8 KB min+gzip, the frame transport
// (frame.js with what it imports, + sockjs-client) ≤ 25 KB min+gzip. Both are built here exactly as
// src/build/bundle.mjs builds them for the jar (esbuild, minified). Prints the sizes; exits 1 when over budget.
// Run: node src/test/browser/size.mjs
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { pageScript, frameTransport } from '../../build/bundle.mjs';

const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;
const minGz = async (options) => {
  const out = await esbuild.build({ ...options, write: false });
  const code = out.outputFiles[0].contents;
  return { min: code.length, gz: gz(code) };
};

let failed = false;
const report = (name, size, budget) => {
  const over = size > budget;
  failed ||= over;
  console.log(`${name}: ${size} bytes min+gzip (budget ${budget})${over ? '  OVER BUDGET' : ''}`);
};

const sc = await minGz(pageScript);
console.log(`site_connect.js: ${sc.min} bytes minified (esbuild)`);
report('site_connect.js', sc.gz, 8192);

const frame = await minGz(frameTransport);
const jar = `${homedir()}/.m2/repository/org/webjars/npm/sockjs-client/1.6.1/sockjs-client-1.6.1.jar`;
let sockjs = null;
if (existsSync(jar)) {
  try {
    sockjs = gz(execFileSync('unzip', ['-p', jar, 'META-INF/resources/webjars/sockjs-client/1.6.1/dist/sockjs.min.js']));
  } catch { /* no unzip: report frame.js alone */ }
}
if (sockjs !== null) report(`frame transport (frame.js ${frame.gz} + sockjs.min.js ${sockjs})`, frame.gz + sockjs, 25600);
else console.log(`frame.js: ${frame.gz} bytes min+gzip (sockjs-client webjar not found, transport total not measured)`);

process.exit(failed ? 1 : 0);
