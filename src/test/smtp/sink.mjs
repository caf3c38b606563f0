// A real SMTP server for tests (npm smtp-server): accepts every message on 127.0.0.1 and decodes it enough to read
// the recipients, subject and the text and HTML parts. Run as a script it prints {"port"} and then one JSON line per
// message received (the Java tests read that); imported, startSink() gives the same to a node test.
import { SMTPServer } from 'smtp-server';

/** @param {string} s */
function decodeQp(s) {
  const bytes = [];
  const soft = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** @param {string} block @returns {{headers: Record<string, string>, body: string}} */
function split(block) {
  const at = block.search(/\r?\n\r?\n/);
  const head = at < 0 ? block : block.slice(0, at);
  const body = at < 0 ? '' : block.slice(at).replace(/^\r?\n\r?\n/, '');
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** @param {string} raw */
export function parse(raw) {
  const { headers, body } = split(raw);
  /** @type {{text: string, html: string}} */
  const parts = { text: '', html: '' };
  /** @param {Record<string, string>} h @param {string} b */
  const walk = (h, b) => {
    const type = (h['content-type'] || 'text/plain').toLowerCase();
    const boundary = /boundary="?([^";]+)"?/i.exec(h['content-type'] || '');
    if (type.startsWith('multipart/') && boundary) {
      for (const piece of b.split('--' + boundary[1]).slice(1)) {
        if (piece.startsWith('--')) break;
        const p = split(piece.replace(/^\r?\n/, ''));
        walk(p.headers, p.body);
      }
      return;
    }
    const enc = (h['content-transfer-encoding'] || '').toLowerCase();
    const text = enc === 'quoted-printable' ? decodeQp(b)
      : enc === 'base64' ? Buffer.from(b, 'base64').toString('utf8') : b;
    if (type.startsWith('text/html')) parts.html += text;
    else if (type.startsWith('text/plain')) parts.text += text;
  };
  walk(headers, body);
  return { headers, subject: headers.subject || '', ...parts };
}

/**
 * @param {(mail: {from: string, to: string[], subject: string, text: string, html: string, headers: Record<string, string>, raw: string}) => void} onMail
 * @returns {Promise<{port: number, close: () => Promise<void>}>}
 */
export function startSink(onMail) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      /** @type {Buffer[]} */
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        onMail({ from, to: session.envelope.rcptTo.map((r) => r.address), ...parse(raw), raw });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sink = await startSink((mail) => process.stdout.write(JSON.stringify(mail) + '\n'));
  process.stdout.write(JSON.stringify({ port: sink.port }) + '\n');
  process.stdin.on('end', () => sink.close().then(() => process.exit(0)));
  process.stdin.resume();
}
