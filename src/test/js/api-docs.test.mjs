// docs/REST.md is generated from the REST contract: this fails when someone changed one and not the other.
// Run: node --test src/test/js/   (fix: node src/build/api-docs.mjs)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONTRACT, MARKER, REFERENCE, reference } from '../../build/api-docs.mjs';

const contract = JSON.parse(readFileSync(CONTRACT, 'utf8'));
const current = readFileSync(REFERENCE, 'utf8');

test('docs/REST.md is what src/build/api-docs.mjs generates from the contract', () => {
  assert.ok(current.includes(MARKER), 'docs/REST.md has the generated part');
  assert.equal(current, reference(current, contract), 'docs/REST.md is stale: run node src/build/api-docs.mjs');
});

test('every operation of the contract has an operationId and its own section in docs/REST.md', () => {
  const ids = [];
  for (const [path, item] of Object.entries(contract.paths)) {
    for (const [method, op] of Object.entries(item)) {
      assert.ok(op.operationId, method + ' ' + path + ' has an operationId');
      ids.push(op.operationId);
      assert.ok(current.includes('### `' + method.toUpperCase() + ' /api/v1' + path + '`'), method + ' ' + path);
    }
  }
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('every request body refuses unknown fields (a raw-byte upload has no fields)', () => {
  for (const item of Object.values(contract.paths)) {
    for (const op of Object.values(item)) {
      if (!op.requestBody) continue;
      if (!op.requestBody.content['application/json']) {
        assert.deepEqual(Object.keys(op.requestBody.content), ['application/octet-stream'], op.operationId);
        continue;
      }
      let schema = op.requestBody.content['application/json'].schema;
      if (schema.$ref) schema = contract.components.schemas[schema.$ref.split('/').pop()];
      assert.equal(schema.additionalProperties, false, op.operationId);
    }
  }
});
