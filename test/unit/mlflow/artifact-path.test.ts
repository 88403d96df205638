import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import {
  parseArtifactPath,
  requireSafeArtifactPath,
  requireSafeUploadFileName,
} from '../../../src/mlflow/artifact-path.js';

const RUN = '0123456789abcdef0123456789abcdef';
const MODEL = 'm-0123456789abcdef0123456789abcdef';

describe('artifact paths', () => {
  describe('layout', () => {
    const cases: [string, ReturnType<typeof parseArtifactPath>][] = [
      ['7', { experimentId: '7', writable: false }],
      ['7/', { experimentId: '7', writable: false }],
      [`7/${RUN}`, { experimentId: '7', runId: RUN, writable: false }],
      [`7/${RUN}/artifacts`, { experimentId: '7', runId: RUN, writable: true }],
      [`7/${RUN}/artifacts/`, { experimentId: '7', runId: RUN, writable: true }],
      [`7/${RUN}/artifacts/model/MLmodel`, { experimentId: '7', runId: RUN, writable: true }],
      ['7/models', { experimentId: '7', writable: false }],
      [`7/models/${MODEL}`, { experimentId: '7', modelId: MODEL, writable: false }],
      [`7/models/${MODEL}/artifacts/MLmodel`, { experimentId: '7', modelId: MODEL, writable: true }],
      ['7/traces', { experimentId: '7', writable: false }],
      [`7/traces/tr-${RUN}/artifacts/traces.json`, { experimentId: '7', traceId: `tr-${RUN}`, writable: true }],
      [`7/traces/${RUN}/artifacts/traces.json`, { experimentId: '7', traceId: RUN, writable: true }],
      // Outside the layout: nothing named.
      ['', undefined],
      ['007/x', undefined],
      ['abc', undefined],
      ['workspaces/team/7', undefined],
      ['7/traces/not-a-trace/artifacts/traces.json', undefined],
      [`7/traces/tr-${RUN}/spans`, undefined],
      [`7/${RUN}/metrics`, undefined],
      [`7/${RUN.toUpperCase()}/artifacts/x`, undefined],
      ['7/not-a-run/artifacts/x', undefined],
      [`7/models/${RUN}/artifacts/x`, undefined],
      [`7/models/${MODEL}/params`, undefined],
      [' 7/x', undefined],
    ];
    for (const [path, expected] of cases) {
      it(`reads "${path}"`, () => {
        expect(parseArtifactPath(path)).to.deep.equal(expected);
      });
    }
  });

  describe('safety', () => {
    const refused = [
      `7/${RUN}/artifacts/../x`,
      `7/${RUN}/artifacts/./x`,
      `7/${RUN}/..`,
      '..',
      `7//${RUN}/artifacts/x`,
      `/7/${RUN}/artifacts/x`,
      `7/${RUN}/artifacts\\..\\x`,
      `7/${RUN}/artifacts/%2e%2e/x`,
      `%37/${RUN}/artifacts/x`,
      `7/${RUN}/artifacts/a%2Fb`,
      `7/${RUN}/artifacts/x\ny`,
      `3\t1/${RUN}/artifacts/x`,
      `7/${RUN}/artifacts/x\u007f`,
      `7/${RUN}/artifacts/x#y`,
    ];
    for (const path of refused) {
      it(`refuses ${JSON.stringify(path)}`, () => {
        expect(() => requireSafeArtifactPath(path, 'path'))
          .to.throw(MlgateError)
          .with.property('code', 'MLGATE_REQUEST_INVALID');
      });
    }
    const accepted = [`7/${RUN}/artifacts/model/MLmodel`, '7', `7/${RUN}/artifacts/`, 'a b/100%.txt', 'x..y/z'];
    for (const path of accepted) {
      it(`accepts ${JSON.stringify(path)}`, () => {
        expect(() => requireSafeArtifactPath(path, 'path')).to.not.throw();
      });
    }
  });

  it('checks the file name a multipart upload appends', () => {
    expect(() => requireSafeUploadFileName('/tmp/abc/model.pkl', 'path')).to.not.throw();
    expect(() => requireSafeUploadFileName('model.pkl', 'path')).to.not.throw();
    for (const bad of ['/tmp/..', '/tmp/.', '/tmp/', '', 'C:\\x\\..', 'a\nb']) {
      expect(() => requireSafeUploadFileName(bad, 'path'), JSON.stringify(bad)).to.throw(MlgateError);
    }
  });
});
