// Builds the browser files exactly as the jar ships them (docs/ASSETS.md): run by the Maven build (pom.xml,
// exec-maven-plugin) as `node src/build/bundle.mjs <outdir> [sockjs-client webjar]`; the default outdir is
// target/classes/siteconnect/webroot, which this script owns (it is emptied first).
//
// - Minified by esbuild. Every file gets a content-hashed name (name-HASH.ext) except the URLs that are contracts:
//   /site_connect.js (host pages embed it) and the HTML entry pages (every webroot/<dir>/*.html). The HTML,
//   site_connect.js (it names the co-browse recorder) and the classic scripts that name rrweb (agent/cobrowse.js,
//   cobrowse/recorder.js) are rewritten to the hashed names.
// - Precompressed: NAME.br (quality 11) and NAME.gz (level 9) beside every text file where they are smaller.
// - assets.json lists what the gateway serves (http/AssetHandler): {files: {path: {cache, encodings}},
//   aliases: {logical path: hashed path}}. cache: "immutable" (hashed), "script" (site_connect.js), "page" (HTML).
// - The sockjs-client webjar's dist/sockjs.min.js (a versioned path) is copied from the jar and compressed too.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync, inflateRawSync } from 'node:zlib';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const src = (path) => resolve(ROOT, 'webroot', path);

/** The page script as the host page gets it. */
export const pageScript = {
  entryPoints: [src('site_connect.js')],
  bundle: true,
  format: 'iife',
  minify: true,
  legalComments: 'none',
  target: 'es2019', // optional catch bindings: a few bytes under the 4 KB first-visit bar
  charset: 'ascii', // non-ASCII escaped: served without a charset parameter (http/Assets)
};

/**
 * The entry pages are every webroot/<dir>/*.html (agent/index.html, agent/admin.html, …); what they load is read from their tags: <script type="module">
 * (bundled with esbuild, shared code in chunks), classic <script src> (minified, not bundled: each is an IIFE of its
 * own) and <link rel="stylesheet"> (one sheet per page, in their order). The frame's modules become one bundle (one
 * request before ~/site_connect/ready instead of five, the same order of evaluation); the console's stay separate
 * (its classic scripts run between them). Pages of one directory share one module build (common code in chunks);
 * each page gets its own style sheet: <dir>/styles.css for index.html, <dir>/<name>-styles.css for <name>.html.
 */
const COMBINE_MODULES = new Set(['frame']);
/** Classic scripts no page names: loaded by code (site_connect.js loads the recorder when a co-browse starts). */
const LOADED_BY_CODE = ['cobrowse/control.js', 'cobrowse/draw.js', 'cobrowse/recorder.js', 'shared/attachments.js']; // the recorder loads control.js and draw.js // the widget loads attachments.js in a chat
/** Third-party browser code packed from npm (pinned in package-lock.json). */
const VENDOR = {
  'vendor/rrweb/rrweb.min.js': 'node_modules/rrweb/dist/rrweb.umd.min.cjs',
  'vendor/rrweb/rrweb.min.css': 'node_modules/rrweb/dist/style.min.css',
};
const SOCKJS_ENTRY = /^META-INF\/resources\/(webjars\/sockjs-client\/[^/]+\/dist\/sockjs\.min\.js)$/;
const TEXT = /\.(js|css|html|json|svg|map|txt)$/;

/** The name a file's content gives it: name-HASH.ext (HASH: 10 characters of SHA-256, base32-like, lower case). */
export function hashedName(path, content) {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 10);
  return path.replace(/(\.min)?\.[a-z]+$/, (ext) => '-' + hash + ext);
}

/** Brotli (quality 11) and gzip (level 9) of a text file. */
export function compress(content) {
  return {
    br: brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    }),
    gzip: gzipSync(content, { level: 9 }),
  };
}

/** One file of a zip (a webjar), by the regular expression its name matches: {name, content} or null. */
export function unzipEntry(zip, pattern) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip file');
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    if (pattern.test(name)) {
      const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(data, data + size);
      return { name, content: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) };
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return null;
}

/** Replaces each quoted occurrence of a logical URL in text by its hashed one; throws when one is missing. */
function rewrite(text, urls, where) {
  let out = text;
  for (const [from, to] of urls) {
    const quoted = new RegExp(`(["'\`])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`, 'g');
    if (!quoted.test(out)) throw new Error(`${where}: no reference to ${from} left to rewrite`);
    out = out.replace(quoted, (m, q) => q + to + q);
  }
  return out;
}

export async function bundle(outdir, sockjsJar) {
  /** path (relative to outdir) → {content, cache} */
  const files = new Map();
  /** logical path → hashed path */
  const aliases = new Map();
  const hashed = (logical, content) => {
    const name = hashedName(logical, content);
    files.set(name, { content, cache: 'immutable' });
    aliases.set(logical, name);
    return name;
  };
  const minify = async (path, text, loader) =>
    (await esbuild.transform(text, { loader, minify: true, legalComments: 'none', charset: 'utf8', target: 'es2017' }))
      .code;

  const pages = readdirSync(src('.'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(src(d.name + '/index.html')))
    .flatMap((d) => readdirSync(src(d.name)).filter((f) => f.endsWith('.html')).sort().map((f) => ({
      dir: d.name, path: d.name + '/' + f, html: readFileSync(src(d.name + '/' + f), 'utf8'),
      sheet: d.name + '/' + (f === 'index.html' ? 'styles' : f.slice(0, -5) + '-styles') + '.css',
    })));
  const tags = (html, re) => [...html.matchAll(re)].map((m) => m[1]);
  for (const p of pages) {
    p.modules = tags(p.html, /<script type="module" src="\/([^"]+)"><\/script>/g);
    p.classic = tags(p.html, /<script (?:defer )?src="\/([^"]+\.js)"><\/script>/g).filter((u) => !u.startsWith('webjars/'));
    p.styles = tags(p.html, /<link rel="stylesheet" href="\/([^"]+\.css)">/g);
    const elsewhere = p.modules.find((m) => !m.startsWith(p.dir + '/'));
    if (elsewhere) throw new Error(`${p.path}: module ${elsewhere} is not in ${p.dir}/`);
  }

  // Vendor files first: classic scripts name them (agent/cobrowse.js loads rrweb).
  for (const [path, from] of Object.entries(VENDOR)) hashed(path, readFileSync(resolve(ROOT, from)));
  // Classic scripts, minified, with the vendor names (and those of classic scripts before them) rewritten.
  for (const path of [...new Set([...pages.flatMap((p) => p.classic), ...LOADED_BY_CODE])]) {
    let text = readFileSync(src(path), 'utf8');
    const named = [...aliases.keys()].filter((v) => text.includes(`'/${v}'`) || text.includes(`"/${v}"`)); // vendor files, scripts before
    if (named.length) text = rewrite(text, named.map((v) => ['/' + v, '/' + aliases.get(v)]), path);
    hashed(path, Buffer.from(await minify(path, text, 'js')));
  }
  // The page script: its URL is the contract; it names the hashed recorder.
  const page = await esbuild.build({ ...pageScript, write: false });
  const recorder = '/' + aliases.get('cobrowse/recorder.js');
  const script = rewrite(page.outputFiles[0].text, [['/cobrowse/recorder.js', recorder]], 'site_connect.js');
  files.set('site_connect.js', { content: Buffer.from(script), cache: 'script' });
  // ES modules with their shared chunks: esbuild hashes them and the imports between them.
  const combined = new Map(); // page directory → hashed name of its one module bundle
  const moduleDirs = new Map(); // directory → the modules its pages name (one build per directory)
  for (const p of pages) moduleDirs.set(p.dir, [...new Set([...(moduleDirs.get(p.dir) || []), ...p.modules])]);
  for (const [dir, modules] of [...moduleDirs].filter(([, m]) => m.length)) {
    const combine = COMBINE_MODULES.has(dir);
    const entries = modules.map((m) => m.slice(dir.length + 1));
    const out = await esbuild.build({
      ...(combine
        ? { stdin: { contents: entries.map((e) => `import './${e}';`).join('\n'), resolveDir: src(dir), sourcefile: 'page-modules.js' } }
        : { entryPoints: entries.map((e) => src(dir + '/' + e)) }),
      splitting: true, // shared code, and what a page imports only when it needs it (import()), in chunks
      bundle: true,
      format: 'esm',
      minify: true,
      legalComments: 'none',
      entryNames: '[name]-[hash]',
      chunkNames: 'chunk-[hash]',
      target: 'es2020',
      charset: 'utf8',
      outdir: resolve(outdir, dir),
      write: false,
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'warning',
    });
    const byPath = new Map(out.outputFiles.map((f) => [f.path, f.contents]));
    for (const [output, meta] of Object.entries(out.metafile.outputs)) {
      let name = dir + '/' + output.split('/').pop();
      let content = Buffer.from(byPath.get(resolve(ROOT, output)));
      if (combine && meta.entryPoint?.endsWith('/page-modules.js')) { // the page's modules; import()ed ones stay chunks
        name = hashedName(dir + '/' + dir + '.js', content);
        combined.set(dir, name);
      } else if (meta.entryPoint) {
        aliases.set(dir + '/' + meta.entryPoint.split('/').pop(), name);
      }
      files.set(name, { content, cache: 'immutable' });
    }
  }
  // Style sheets: one per page, the page's <link rel="stylesheet"> files in their order (a single request).
  for (const { sheet, styles } of pages.filter((p) => p.styles.length)) {
    const out = await esbuild.build({
      stdin: { contents: styles.map((css) => `@import "./${css}";`).join('\n'), resolveDir: src('.'), loader: 'css' },
      bundle: true, minify: true, legalComments: 'none', charset: 'utf8', write: false, logLevel: 'warning',
    });
    hashed(sheet, Buffer.from(out.outputFiles[0].contents));
  }
  // sockjs-client from its webjar: the path names the version, so it is served like a hashed file.
  const webjar = Boolean(sockjsJar && existsSync(sockjsJar));
  if (webjar) {
    const entry = unzipEntry(readFileSync(sockjsJar), SOCKJS_ENTRY);
    if (!entry) throw new Error(`${sockjsJar}: no dist/sockjs.min.js`);
    files.set(entry.name.match(SOCKJS_ENTRY)[1], { content: entry.content, cache: 'immutable' });
  } else {
    console.warn(`bundle.mjs: no sockjs-client webjar (${sockjsJar}): /webjars/ is served from the classpath`);
  }
  // The entry pages, with every script and style sheet they name rewritten to its hashed name (one style sheet,
  // and for the frame one module script, in place of several).
  for (const { dir, path, sheet, html: source } of pages) {
    let first = { css: true, module: true };
    const html = source
      .replace(/<link rel="stylesheet" href="[^"]+">\n?/g, (m) => {
        if (!first.css) return '';
        first.css = false;
        return `<link rel="stylesheet" href="/${aliases.get(sheet)}">\n`;
      })
      .replace(/<script type="module" src="[^"]+"><\/script>\n?/g, (m) => {
        if (!combined.has(dir)) return m;
        if (!first.module) return '';
        first.module = false;
        return `<script type="module" src="/${combined.get(dir)}"></script>\n`;
      })
      .replace(/\b(src|href)="(\/[^"?#]+\.(?:js|css))"/g, (m, attr, url) => {
        const name = aliases.get(url.slice(1));
        if (name) return `${attr}="/${name}"`;
        if (files.has(url.slice(1)) || (url.startsWith('/webjars/') && !webjar)) return m;
        throw new Error(`${path}: ${url} is not a built file`);
      });
    files.set(path, { content: Buffer.from(html), cache: 'page' });
  }

  rmSync(outdir, { recursive: true, force: true });
  const manifest = { files: {}, aliases: Object.fromEntries([...aliases].sort()) };
  for (const [path, { content, cache }] of [...files].sort()) {
    const target = join(outdir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    const encodings = [];
    if (TEXT.test(path)) {
      const packed = compress(content);
      for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']]) {
        if (packed[encoding].length < content.length) {
          writeFileSync(target + ext, packed[encoding]);
          encodings.push(encoding);
        }
      }
    }
    manifest.files[path] = { cache, encodings };
  }
  writeFileSync(join(outdir, 'assets.json'), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(resolve(ROOT, process.argv[2] || 'target/classes/siteconnect/webroot'), process.argv[3]);
}
