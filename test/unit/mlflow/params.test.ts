import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import {
  type RequestParams,
  jsonName,
  parseJsonBody,
  readInteger,
  readList,
  readNested,
  readScalar,
  readString,
  readStringOrInteger,
  readsBody,
  parseQuery,
} from '../../../src/mlflow/params.js';

const query = (qs: string): RequestParams => ({ source: 'query', query: new URLSearchParams(qs) });
const body = (value: Record<string, unknown>): RequestParams => ({ source: 'body', body: value });

function expectInvalid(run: () => unknown, fragment: string): void {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(MlgateError);
    expect((error as MlgateError).code).to.equal('MLGATE_REQUEST_INVALID');
    expect((error as MlgateError).status).to.equal(400);
    expect((error as Error).message).to.include(fragment);
    return;
  }
  expect.fail('expected MLGATE_REQUEST_INVALID');
}

describe('MLflow parameter parsing', () => {
  describe('where parameters are read', () => {
    const cases: [string, string, boolean][] = [
      ['GET', 'run_id=1', false],
      ['GET', 'x', false],
      ['GET', '', true],
      ['GET', '&', true],
      ['HEAD', 'run_id=1', true],
      ['POST', 'run_id=1', true],
      ['DELETE', 'run_id=1', true],
      // werkzeug keeps a second "?" in the first key: the query string is not empty.
      ['GET', '?', false],
      ['GET', '?run_id=1', false],
    ];
    for (const [method, qs, fromBody] of cases) {
      it(`${method} ?${qs} is read from the ${fromBody ? 'JSON body' : 'query string'}`, () => {
        expect(readsBody(method, qs)).to.equal(fromBody);
      });
    }
  });

  describe('JSON bodies', () => {
    const json = (text: string): Buffer => Buffer.from(text);

    it('parses an object, and an empty body as {}', () => {
      expect(parseJsonBody(json('{"run_id": "a"}'), 'POST', 'application/json')).to.deep.equal({ run_id: 'a' });
      expect(parseJsonBody(json(''), 'POST', undefined)).to.deep.equal({});
      expect(parseJsonBody(json('  '), 'GET', undefined)).to.deep.equal({});
    });

    it('decodes a double-encoded body twice, as MLflow does for old clients', () => {
      expect(
        parseJsonBody(json(JSON.stringify(JSON.stringify({ run_id: 'a' }))), 'POST', 'application/json'),
      ).to.deep.equal({
        run_id: 'a',
      });
    });

    it('accepts JSON with a charset parameter', () => {
      expect(parseJsonBody(json('{}'), 'POST', 'application/json; charset=utf-8')).to.deep.equal({});
    });

    it('refuses POST and PUT bodies that are not declared JSON (MLflow refuses them too)', () => {
      expectInvalid(() => parseJsonBody(json('{"a":1}'), 'POST', 'text/plain'), 'Content-Type: application/json');
      expectInvalid(() => parseJsonBody(json('{"a":1}'), 'PUT', undefined), 'Content-Type: application/json');
    });

    it('reads PATCH, DELETE and GET bodies whatever their content type', () => {
      expect(parseJsonBody(json('{"a":"1"}'), 'DELETE', 'text/plain')).to.deep.equal({ a: '1' });
      expect(parseJsonBody(json('{"a":"1"}'), 'GET', undefined)).to.deep.equal({ a: '1' });
    });

    it('refuses invalid JSON and JSON that is not an object', () => {
      expectInvalid(() => parseJsonBody(json('{"a":'), 'POST', 'application/json'), 'not valid JSON');
      expectInvalid(() => parseJsonBody(json('[1]'), 'POST', 'application/json'), 'must be a JSON object');
      expectInvalid(() => parseJsonBody(json('"text"'), 'POST', 'application/json'), 'not valid JSON');
      expectInvalid(() => parseJsonBody(json('null'), 'POST', 'application/json'), 'must be a JSON object');
    });

    it('refuses a body that is not valid UTF-8 (Node would repair it, MLflow reads {})', () => {
      const bytes = Buffer.concat([Buffer.from('{"run_id": "a'), Buffer.from([0xab]), Buffer.from('"}')]);
      expectInvalid(() => parseJsonBody(bytes, 'POST', 'application/json'), 'not valid UTF-8');
      expectInvalid(() => parseJsonBody(Buffer.from([0xed, 0xa0, 0x80]), 'GET', undefined), 'not valid UTF-8');
      expect(parseJsonBody(Buffer.from('{"name": "caf\u00e9 ☕"}'), 'POST', 'application/json')).to.deep.equal({
        name: 'café ☕',
      });
    });
  });

  describe('query strings', () => {
    it('refuses escapes that do not decode to UTF-8, which werkzeug keeps as text and URLSearchParams replaces', () => {
      expectInvalid(() => parseQuery('experiment_name=50%AB%20test'), 'not valid UTF-8');
      expectInvalid(() => parseQuery('experiment_name=%E2%82'), 'not valid UTF-8');
      expectInvalid(() => parseQuery('a=%ED%A0%80'), 'not valid UTF-8');
      expectInvalid(() => parseQuery('%C0%AF=x'), 'not valid UTF-8');
    });

    it('reads valid UTF-8 escapes, and keeps malformed escapes as text like werkzeug', () => {
      expect(parseQuery('experiment_name=50%E2%82%AC%20test').get('experiment_name')).to.equal('50€ test');
      expect(parseQuery('experiment_name=%G1%').get('experiment_name')).to.equal('%G1%');
      expect(parseQuery('a=b+c').get('a')).to.equal('b c');
    });
  });

  describe('scalar ids', () => {
    it('reads snake_case and lowerCamelCase names from the body', () => {
      expect(readScalar(body({ run_id: 'a' }), ['run_id', 'run_uuid'])).to.equal('a');
      expect(readScalar(body({ runId: 'a' }), ['run_id', 'run_uuid'])).to.equal('a');
      expect(readScalar(body({ run_uuid: 'a' }), ['run_id', 'run_uuid'])).to.equal('a');
      expect(readScalar(body({ runUuid: 'a' }), ['run_id', 'run_uuid'])).to.equal('a');
    });

    it('keeps a leading "?" in the first key, as werkzeug does', () => {
      const params: RequestParams = { source: 'query', query: parseQuery('?run_id=a') };
      expect(readScalar(params, ['run_id'])).to.equal(undefined);
      expect(parseQuery('?run_id=a').get('?run_id')).to.equal('a');
      expect(parseQuery('a=1&&b=2').size).to.equal(2);
    });

    it('reads only snake_case names from the query string, as MLflow does', () => {
      expect(readScalar(query('run_id=a'), ['run_id'])).to.equal('a');
      expect(readScalar(query('runId=a'), ['run_id'])).to.equal(undefined);
    });

    it('accepts run_id and run_uuid naming the same run (the MLflow client sends both)', () => {
      expect(readScalar(query('run_uuid=a&run_id=a'), ['run_id', 'run_uuid'])).to.equal('a');
      expect(readScalar(body({ run_id: 'a', run_uuid: 'a' }), ['run_id', 'run_uuid'])).to.equal('a');
    });

    it('treats empty strings and null as absent', () => {
      expect(readScalar(body({ run_id: '', run_uuid: 'b' }), ['run_id', 'run_uuid'])).to.equal('b');
      expect(readScalar(body({ run_id: null }), ['run_id'])).to.equal(undefined);
      expect(readScalar(query('run_id='), ['run_id'])).to.equal(undefined);
    });

    it('refuses ambiguous requests instead of guessing', () => {
      expectInvalid(() => readScalar(body({ run_id: 'a', run_uuid: 'b' }), ['run_id', 'run_uuid']), 'different values');
      expectInvalid(() => readScalar(body({ run_id: 'a', runId: 'a' }), ['run_id']), 'both "run_id" and "runId"');
      expectInvalid(() => readScalar(query('run_id=a&run_id=b'), ['run_id']), 'repeats "run_id"');
      expectInvalid(() => readScalar(query('run_id=a&run_uuid=b'), ['run_id', 'run_uuid']), 'different values');
    });

    it('refuses ids that are not strings', () => {
      expectInvalid(() => readScalar(body({ experiment_id: 1 }), ['experiment_id']), 'must be a string');
      expectInvalid(() => readScalar(body({ experiment_id: ['1'] }), ['experiment_id']), 'must be a string');
      expectInvalid(() => readScalar(body({ experiment_id: { id: '1' } }), ['experiment_id']), 'must be a string');
    });

    it('does not read inherited properties', () => {
      expect(readScalar(body(Object.create({ run_id: 'a' }) as Record<string, unknown>), ['run_id'])).to.equal(
        undefined,
      );
    });
  });

  describe('lists', () => {
    it('reads repeated query keys and JSON arrays', () => {
      expect(readList(query('experiment_ids=1&experiment_ids=2'), 'experiment_ids')).to.deep.equal(['1', '2']);
      expect(readList(body({ experiment_ids: ['1', '2'] }), 'experiment_ids')).to.deep.equal(['1', '2']);
      expect(readList(body({ experimentIds: ['3'] }), 'experiment_ids')).to.deep.equal(['3']);
      expect(readList(body({}), 'experiment_ids')).to.deep.equal([]);
    });

    it('refuses lists of non-strings and both spellings', () => {
      expectInvalid(() => readList(body({ experiment_ids: [1] }), 'experiment_ids'), 'list of strings');
      expectInvalid(() => readList(body({ experiment_ids: '1' }), 'experiment_ids'), 'list of strings');
      expectInvalid(() => readList(body({ experiment_ids: [], experimentIds: ['1'] }), 'experiment_ids'), 'both');
    });

    it('reads ids nested in lists of objects, de-duplicated', () => {
      const params = body({
        metrics: [
          { key: 'a', model_id: 'm-1' },
          { key: 'b', modelId: 'm-2' },
          { key: 'c', model_id: 'm-1' },
          { key: 'd' },
        ],
      });
      expect(readNested(params, 'metrics', ['model_id'])).to.deep.equal(['m-1', 'm-2']);
      expectInvalid(() => readNested(body({ metrics: {} }), 'metrics', ['model_id']), 'must be a list');
      expectInvalid(() => readNested(body({ metrics: [1] }), 'metrics', ['model_id']), 'must be an object');
    });
  });

  describe('other fields', () => {
    it('reads integers from the query string and the body', () => {
      expect(readInteger(query('max_results=5'), 'max_results')).to.equal(5);
      expect(readInteger(body({ max_results: 5 }), 'max_results')).to.equal(5);
      expect(readInteger(body({ max_results: '5' }), 'max_results')).to.equal(5);
      expect(readInteger(body({}), 'max_results')).to.equal(undefined);
      expectInvalid(() => readInteger(body({ max_results: 1.5 }), 'max_results'), 'must be an integer');
      expectInvalid(() => readInteger(query('max_results=ten'), 'max_results'), 'must be an integer');
    });

    it('reads enum values as names or numbers', () => {
      expect(readStringOrInteger(body({ view_type: 1 }), 'view_type')).to.equal(1);
      expect(readStringOrInteger(body({ view_type: 'ALL' }), 'view_type')).to.equal('ALL');
      expectInvalid(() => readStringOrInteger(body({ view_type: [1] }), 'view_type'), 'string or an integer');
    });

    it('reads strings', () => {
      expect(readString(body({ filter: "name = 'x'" }), 'filter')).to.equal("name = 'x'");
      expectInvalid(() => readString(body({ filter: 1 }), 'filter'), 'must be a string');
    });

    it('derives lowerCamelCase names like protobuf', () => {
      expect(jsonName('run_uuid')).to.equal('runUuid');
      expect(jsonName('experiment_ids')).to.equal('experimentIds');
      expect(jsonName('key')).to.equal('key');
    });
  });
});

describe('string parameters with a lone surrogate', () => {
  it('are refused wherever they are read, not only in ids', () => {
    const body = (value: Record<string, unknown>): RequestParams => ({ source: 'body', body: value });
    expect(() => readString(body({ filter: "name = '\ud800'" }), 'filter')).to.throw(MlgateError);
    expect(() => readStringOrInteger(body({ view_type: '\ud800' }), 'view_type')).to.throw(MlgateError);
    expect(() => readList(body({ order_by: ['name', '\udc00'] }), 'order_by')).to.throw(MlgateError);
    expect(readString(body({ filter: "name = 'é'" }), 'filter')).to.equal("name = 'é'");
  });
});
