import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';

import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { mlflowTraceId, readOtlpExport } from '../../../src/mlflow/otlp.js';

// A minimal protobuf writer for the test payloads.
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const key = (field: number, wire: number): number[] => varint(field * 8 + wire);
const len = (field: number, bytes: Uint8Array | number[]): number[] => [
  ...key(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const bytes = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
const hex = (h: string): number[] => [...Buffer.from(h, 'hex')];

const T1 = '0af7651916cd43dd8448eb211c80319c';
const T2 = '00000000000000000000000000000001';
const span = (traceHex: string, extra: number[][] = []) =>
  len(2, bytes(len(1, hex(traceHex)), len(2, hex('b7ad6b7169203331')), ...extra));
const scope = (...spans: number[][]) => len(2, bytes(len(1, bytes(len(1, [...Buffer.from('lib')]))), ...spans));
const resource = (...scopes: number[][]) => len(1, bytes(len(1, bytes()), ...scopes));
const request = (...resources: number[][]) => Buffer.from(bytes(...resources));

const MAX = 1024 * 1024;
const read = (body: Buffer, type = 'application/x-protobuf', encoding?: string) =>
  readOtlpExport(body, type, encoding, MAX);

function refused(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(MlgateError);
    expect((error as MlgateError).code).to.equal(code);
    if (message !== undefined) expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail('expected a refusal');
}

describe('OTLP trace ids', () => {
  it('formats ids as MLflow does: tr- and at least 32 hex digits of the big-endian number', () => {
    expect(mlflowTraceId(Buffer.from(T1, 'hex'))).to.equal(`tr-${T1}`);
    expect(mlflowTraceId(Buffer.from('01', 'hex'))).to.equal(`tr-${T2}`);
    expect(mlflowTraceId(Buffer.from('00' + T1 + 'ff', 'hex'))).to.equal(`tr-${T1.slice(1)}ff`);
  });

  it('reads every span of every scope of every resource (protobuf), de-duplicated', () => {
    const body = request(resource(scope(span(T1), span(T1)), scope(span(T2))), resource(scope(span(T1))));
    const exported = read(body);
    expect(exported.traceIds).to.deep.equal([`tr-${T1}`, `tr-${T2}`]);
    expect(exported.payload.equals(body)).to.equal(true);
  });

  it('skips fields it does not need, of every wire type', () => {
    const unknown = [...key(9, 0), ...varint(300), ...key(10, 1), 1, 2, 3, 4, 5, 6, 7, 8, ...key(11, 5), 1, 2, 3, 4];
    const body = request([...unknown, ...resource([...unknown, ...scope(span(T1, [unknown]))])]);
    expect(read(body).traceIds).to.deep.equal([`tr-${T1}`]);
  });

  it('refuses spans without one non-empty trace_id, mistyped fields, groups and truncated data', () => {
    refused(
      () => read(request(resource(scope(len(2, bytes(len(2, hex('01')))))))),
      'MLGATE_REQUEST_INVALID',
      /exactly one/,
    );
    refused(() => read(request(resource(scope(len(2, bytes(len(1, []))))))), 'MLGATE_REQUEST_INVALID', /exactly one/);
    refused(() => read(request(resource(scope(span(T1, [len(1, hex(T2))]))))), 'MLGATE_REQUEST_INVALID', /exactly one/);
    refused(
      () => read(request(resource(scope(len(2, bytes(key(1, 0), varint(5))))))),
      'MLGATE_REQUEST_INVALID',
      /wrong wire type/,
    );
    refused(() => read(request([...key(1, 0), 1])), 'MLGATE_REQUEST_INVALID', /wrong wire type/);
    refused(() => read(request([...key(7, 3), ...key(7, 4)])), 'MLGATE_REQUEST_INVALID', /group/);
    refused(() => read(request(resource(scope(span(T1))).slice(0, -3))), 'MLGATE_REQUEST_INVALID', /truncated/);
    refused(() => read(Buffer.from([0x08])), 'MLGATE_REQUEST_INVALID', /truncated/);
    refused(() => read(Buffer.from([0x00, 0x00])), 'MLGATE_REQUEST_INVALID', /field number/);
  });

  it('reads OTLP JSON (lowerCamelCase keys, hex ids)', () => {
    const body = Buffer.from(
      JSON.stringify({
        resourceSpans: [
          {
            resource: {},
            scopeSpans: [{ spans: [{ traceId: T1.toUpperCase(), spanId: 'b7ad6b7169203331' }, { traceId: '01' }] }],
          },
          {},
        ],
      }),
    );
    expect(read(body, 'application/json; charset=utf-8').traceIds).to.deep.equal([`tr-${T1}`, `tr-${T2}`]);
    expect(read(Buffer.from('{}'), 'application/json').traceIds).to.deep.equal([]);
  });

  it('refuses OTLP JSON it cannot be sure to read as MLflow does', () => {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    const cases: unknown[] = [
      { resource_spans: [] },
      { resourceSpans: [{ scope_spans: [] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ trace_id: 'Cvdl' }] }] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0a f7' }] }] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'abc' }] }] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 5 }] }] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{}] }] }] },
      { resourceSpans: null },
      { resourceSpans: [{ scopeSpans: {} }] },
      { resourceSpans: [[]] },
      [],
    ];
    for (const value of cases) {
      refused(() => read(json(value), 'application/json'), 'MLGATE_REQUEST_INVALID');
    }
    refused(() => read(Buffer.from([0xff, 0x7b, 0x7d]), 'application/json'), 'MLGATE_REQUEST_INVALID', /UTF-8 JSON/);
  });

  it('decodes gzip and deflate (zlib or raw) bodies, forwarding them decoded', () => {
    const body = request(resource(scope(span(T1))));
    for (const [encoding, encoded] of [
      ['gzip', gzipSync(body)],
      ['GZIP', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['deflate', deflateRawSync(body)],
    ] as const) {
      const exported = read(encoded, 'application/x-protobuf', encoding);
      expect(exported.traceIds, encoding).to.deep.equal([`tr-${T1}`]);
      expect(exported.payload.equals(body), encoding).to.equal(true);
    }
  });

  it('refuses other media types and encodings, corrupt data, and payloads larger than the limit once decoded', () => {
    const body = request(resource(scope(span(T1))));
    refused(() => read(body, 'application/protobuf'), 'MLGATE_REQUEST_INVALID', /Content-Type/);
    refused(() => readOtlpExport(body, undefined, undefined, MAX), 'MLGATE_REQUEST_INVALID', /Content-Type/);
    refused(() => read(body, 'application/x-protobuf', 'br'), 'MLGATE_REQUEST_INVALID', /Content-Encoding/);
    refused(() => read(body, 'application/x-protobuf', 'gzip'), 'MLGATE_REQUEST_INVALID', /gzip/);
    const bomb = gzipSync(Buffer.alloc(4 * MAX));
    refused(() => read(bomb, 'application/x-protobuf', 'gzip'), 'MLGATE_BODY_TOO_LARGE');
    refused(
      () => read(deflateSync(Buffer.alloc(4 * MAX)), 'application/x-protobuf', 'deflate'),
      'MLGATE_BODY_TOO_LARGE',
    );
  });
});
