// Writes docs/REST.md from the REST contract, src/main/resources/siteconnect/openapi.json (the file the server
// routes and validates with). The hand-written introduction above the MARKER line is kept; everything below it is
// generated. Run: node src/build/api-docs.mjs   (src/test/js/api-docs.test.mjs fails when docs/REST.md is stale)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CONTRACT = fileURLToPath(new URL('../main/resources/siteconnect/openapi.json', import.meta.url));
export const REFERENCE = fileURLToPath(new URL('../../docs/REST.md', import.meta.url));
export const MARKER =
  '<!-- Generated from src/main/resources/siteconnect/openapi.json by src/build/api-docs.mjs: edit the contract, ' +
  'then run that script. -->';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Follows a local $ref ("#/components/schemas/Agent") to what it names. */
function deref(contract, node) {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    n = n.$ref.slice(2).split('/').reduce((o, key) => (o == null ? o : o[key]), contract);
  }
  return n;
}

/** A Markdown table cell: no line breaks, pipes escaped. */
const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** "string ≤ 64", "array of string", "one of a, b": the type and limits of a schema in a few words. */
function typeOf(contract, schema) {
  const s = deref(contract, schema) || {};
  if (s.enum) return 'one of ' + s.enum.map((v) => '`' + v + '`').join(', ');
  if (s.const !== undefined) return '`' + JSON.stringify(s.const) + '`';
  let t = Array.isArray(s.type) ? s.type.join(' or ') : s.type || 'any JSON';
  if (t === 'array' && s.items) t = 'array of ' + typeOf(contract, s.items);
  if (t === 'object' && s.$ref === undefined && schema.$ref) t = schema.$ref.split('/').pop();
  const limits = [];
  if (s.minLength !== undefined) limits.push('≥ ' + s.minLength);
  if (s.maxLength !== undefined) limits.push('≤ ' + s.maxLength);
  if (s.default !== undefined) limits.push('default `' + JSON.stringify(s.default) + '`');
  return limits.length ? t + ' (' + limits.join(', ') + ')' : t;
}

function who(contract, op) {
  const security = op.security ?? contract.security ?? [];
  if (security.length === 0) return 'anyone';
  const names = security.flatMap((req) => Object.keys(req));
  const admin = /admins only/.test(op.summary || '');
  return names.map((name) => {
    const scheme = contract.components.securitySchemes[name];
    if (scheme.type === 'http') return admin ? 'admin (bearer token)' : 'agent (bearer token)';
    if (scheme.type === 'apiKey') return 'backend, `' + scheme.name + '`';
    return name;
  }).join(' or ');
}

function operations(contract) {
  const ops = [];
  for (const [path, item] of Object.entries(contract.paths)) {
    for (const method of METHODS) {
      if (item[method]) ops.push({ path, method, op: item[method] });
    }
  }
  return ops;
}

function section(contract, base, { path, method, op }) {
  const lines = ['### `' + method.toUpperCase() + ' ' + base + path + '`', ''];
  lines.push(op.summary + (op.summary.endsWith('.') ? '' : '.') + ' Who: ' + who(contract, op) + '. ' +
    'Operation `' + op.operationId + '`.');
  if (op.description) lines.push('', op.description);
  const params = (op.parameters || []).map((p) => deref(contract, p));
  if (params.length) {
    lines.push('', '| parameter | in | type | required | meaning |', '|---|---|---|---|---|');
    for (const p of params) {
      lines.push('| `' + p.name + '` | ' + p.in + ' | ' + cell(typeOf(contract, p.schema)) + ' | ' +
        (p.required ? 'yes' : 'no') + ' | ' + cell(p.description) + ' |');
    }
  }
  const body = op.requestBody && deref(contract, op.requestBody);
  if (body && !body.content['application/json']) { // raw bytes (file uploads)
    lines.push('', 'Body: ' + Object.keys(body.content).map((t) => '`' + t + '`').join(', ') + ' (raw bytes)');
  } else if (body) {
    const schema = deref(contract, body.content['application/json'].schema);
    const required = new Set(schema.required || []);
    lines.push('', 'Body (`application/json`' + (body.required ? '' : ', optional') +
      (schema.additionalProperties === false ? '; other fields are refused' : '') + '):', '',
    '| field | type | required | meaning |', '|---|---|---|---|');
    for (const [name, prop] of Object.entries(schema.properties || {})) {
      const p = deref(contract, prop);
      lines.push('| `' + name + '` | ' + cell(typeOf(contract, prop)) + ' | ' + (required.has(name) ? 'yes' : 'no') +
        ' | ' + cell(p.description) + ' |');
    }
  }
  lines.push('', 'Answers:', '');
  for (const [status, response] of Object.entries(op.responses)) {
    const r = deref(contract, response);
    const schema = r.content && r.content['application/json'] && r.content['application/json'].schema;
    const shape = schema && !(schema.$ref || '').endsWith('/Error') ? ' → ' + typeOf(contract, schema) : '';
    lines.push('- ' + status + shape + ': ' + r.description);
  }
  return lines.join('\n');
}

function schemaSection(contract, name) {
  const s = contract.components.schemas[name];
  const fields = Object.entries(s.properties || {}).map(([field, prop]) =>
    '`' + field + '`: ' + typeOf(contract, prop)).join(', ');
  return '- **' + name + '**' + (fields ? ': ' + fields : '') + (s.description ? '. ' + s.description : '');
}

/** The generated part of docs/REST.md: an index, one section per operation by tag, the schemas. */
export function render(contract) {
  const base = contract.servers[0].url;
  const ops = operations(contract);
  const out = [MARKER, '', '## Operations', '', '| method and path | who | what |', '|---|---|---|'];
  for (const o of ops) {
    out.push('| `' + o.method.toUpperCase() + ' ' + base + o.path + '` | ' + cell(who(contract, o.op)) + ' | ' +
      cell(o.op.summary) + ' |');
  }
  for (const tag of contract.tags) {
    const tagged = ops.filter((o) => (o.op.tags || [])[0] === tag.name);
    if (!tagged.length) continue;
    out.push('', '## ' + tag.description, '');
    out.push(tagged.map((o) => section(contract, base, o)).join('\n\n'));
  }
  out.push('', '## Objects', '');
  for (const name of Object.keys(contract.components.schemas)) out.push(schemaSection(contract, name));
  return out.join('\n') + '\n';
}

/** docs/REST.md as it should be: its hand-written introduction, then the generated reference. */
export function reference(current, contract) {
  const at = current.indexOf(MARKER);
  const intro = at < 0 ? current.trimEnd() + '\n\n' : current.slice(0, at);
  return intro + render(contract);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const contract = JSON.parse(readFileSync(CONTRACT, 'utf8'));
  writeFileSync(REFERENCE, reference(readFileSync(REFERENCE, 'utf8'), contract));
  console.log('wrote ' + REFERENCE);
}
