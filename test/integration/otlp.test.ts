/** The gateway reads the trace ids of OTLP exports as the installed MLflow does (payloads and ids made by it). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { expect } from 'chai';

import { VENV } from '../../scripts/services.js';
import { readOtlpExport } from '../../src/mlflow/otlp.js';

// Payloads built with the OpenTelemetry protobuf classes MLflow uses, and the trace ids MLflow's OTLP endpoint
// derives from them (Span.from_otel_proto, as in mlflow/server/otel_api.py).
const SCRIPT = `
import base64, gzip, json, zlib
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from mlflow.entities.span import Span
from mlflow.server.otel_api import _convert_otlp_json_ids_to_base64
from google.protobuf.json_format import Parse

ids = [bytes.fromhex("0af7651916cd43dd8448eb211c80319c"), bytes(15) + b"\\x07", b"\\x01\\x02", bytes(range(1, 21))]
request = ExportTraceServiceRequest()
for chunk in (ids[:2], ids[2:]):
    rs = request.resource_spans.add()
    ss = rs.scope_spans.add()
    for i, trace_id in enumerate(chunk):
        span = ss.spans.add()
        span.trace_id = trace_id
        span.span_id = bytes([i + 1]) * 8
        span.name = "s"
body = request.SerializeToString()
as_json = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [
    {"traceId": t.hex(), "spanId": "0102030405060708", "name": "s"} for t in ids]}]}]}).encode()

def mlflow_ids(parsed):
    return sorted({Span.from_otel_proto(s).trace_id for r in parsed.resource_spans for ss in r.scope_spans for s in ss.spans})

from_json = ExportTraceServiceRequest()
Parse(_convert_otlp_json_ids_to_base64(as_json), from_json, ignore_unknown_fields=True)
print(json.dumps({
    "protobuf": base64.b64encode(body).decode(),
    "gzip": base64.b64encode(gzip.compress(body)).decode(),
    "deflate": base64.b64encode(zlib.compress(body)).decode(),
    "json": base64.b64encode(as_json).decode(),
    "ids": mlflow_ids(request),
    "json_ids": mlflow_ids(from_json),
}))
`;

describe('OTLP trace ids against the installed MLflow', () => {
  let made: Record<string, string | string[]>;

  before(function () {
    this.timeout(60_000);
    const output = execFileSync(join(VENV, 'python'), ['-c', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
    made = JSON.parse(output.toString().trim().split('\n').pop() as string) as Record<string, string | string[]>;
  });

  const payload = (name: string) => Buffer.from(made[name] as string, 'base64');

  it('derives the ids MLflow derives from protobuf, gzip and deflate payloads', () => {
    for (const [name, encoding] of [
      ['protobuf', undefined],
      ['gzip', 'gzip'],
      ['deflate', 'deflate'],
    ] as const) {
      const exported = readOtlpExport(payload(name), 'application/x-protobuf', encoding, 1 << 20);
      expect([...exported.traceIds].sort(), name).to.deep.equal(made['ids']);
      expect(exported.payload.equals(payload('protobuf')), name).to.equal(true);
    }
  });

  it('derives the ids MLflow derives from an OTLP JSON payload', () => {
    const exported = readOtlpExport(payload('json'), 'application/json', undefined, 1 << 20);
    expect([...exported.traceIds].sort()).to.deep.equal(made['json_ids']);
    expect(made['json_ids']).to.deep.equal(made['ids']);
  });
});
