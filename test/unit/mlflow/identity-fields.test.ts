import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { stampIdentity } from '../../../src/mlflow/identity-fields.js';

function expectInvalid(run: () => unknown, fragment: string): void {
  expect(run).to.throw(MlgateError, fragment);
}

describe("a run's author is the caller", () => {
  it('stamps user_id and the mlflow.user tag on CreateRun, keeping the other fields and tags', () => {
    const body = {
      experiment_id: '1',
      user_id: 'bob',
      start_time: 1700000000000,
      tags: [
        { key: 'mlflow.user', value: 'bob' },
        { key: 'team', value: 'x' },
      ],
    };
    expect(stampIdentity('run-author', body, 'alice')).to.deep.equal({
      experiment_id: '1',
      user_id: 'alice',
      start_time: 1700000000000,
      tags: [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'team', value: 'x' },
      ],
    });
  });

  it('puts the stamped fields first, so no field MLflow fails to parse after them can undo them', () => {
    const stamped = stampIdentity('run-author', { experiment_id: '1', tags: [{ key: 'k', value: 'v' }] }, 'alice');
    expect(Object.keys(stamped ?? {})).to.deep.equal(['user_id', 'tags', 'experiment_id']);
    expect(() => stampIdentity('run-author', { tags: [{ key: 'k', value: 1 }] }, 'alice')).to.throw(MlgateError);
    expect(() => stampIdentity('run-author', { tags: [{ value: 'v' }] }, 'alice')).to.throw(MlgateError);
  });

  it("stamps only user_id on the prompt lab's run (its handler reads no tag list)", () => {
    expect(stampIdentity('promptlab-author', { experiment_id: '1', user_id: 'bob' }, 'alice')).to.deep.equal({
      user_id: 'alice',
      experiment_id: '1',
    });
    expect(stampIdentity('promptlab-author', { experiment_id: '1', user_id: 'alice' }, 'alice')).to.equal(undefined);
  });

  it('checks every tag a LogBatch carries, even beside a top-level key MLflow ignores', () => {
    expect(() =>
      stampIdentity('run-tags', { run_id: 'r', key: null, tags: [{ key: 'mlflow.user', value: 'admin' }] }, 'alice'),
    ).to.throw(MlgateError);
  });

  it('refuses the author tag under any spelling a database could store in its place', () => {
    for (const key of ['MLflow.User', 'mlflow.user ', ' MLFLOW.USER']) {
      expect(() => stampIdentity('run-tags', { run_id: 'r', key, value: 'admin' }, 'alice'), key).to.throw(MlgateError);
    }
  });

  it('adds both when the client sent neither, and keeps the lowerCamelCase spelling', () => {
    expect(stampIdentity('run-author', { experiment_id: '1' }, 'alice')).to.deep.equal({
      experiment_id: '1',
      user_id: 'alice',
      tags: [{ key: 'mlflow.user', value: 'alice' }],
    });
    expect(stampIdentity('run-author', { experimentId: '1', userId: 'bob' }, 'alice')).to.include({
      userId: 'alice',
    });
  });

  it('leaves a CreateRun that already names the caller untouched (replayed byte for byte)', () => {
    const body = { experiment_id: '1', user_id: 'alice', tags: [{ key: 'mlflow.user', value: 'alice' }] };
    expect(stampIdentity('run-author', body, 'alice')).to.equal(undefined);
  });

  it('collapses several mlflow.user tags into one', () => {
    const body = {
      user_id: 'alice',
      tags: [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'mlflow.user', value: 'bob' },
      ],
    };
    expect(stampIdentity('run-author', body, 'alice')).to.deep.equal({
      user_id: 'alice',
      tags: [{ key: 'mlflow.user', value: 'alice' }],
    });
  });

  it('refuses both spellings of user_id, and tags that are not a list of objects', () => {
    expectInvalid(() => stampIdentity('run-author', { user_id: 'a', userId: 'b' }, 'alice'), 'both');
    expectInvalid(() => stampIdentity('run-author', { tags: { key: 'k' } }, 'alice'), 'list');
    expectInvalid(() => stampIdentity('run-author', { tags: ['k'] }, 'alice'), 'list');
  });

  it('refuses SetTag and LogBatch setting mlflow.user to anyone else, and lets every other tag through', () => {
    expectInvalid(() => stampIdentity('run-tags', { run_id: 'r', key: 'mlflow.user', value: 'bob' }, 'alice'), 'alice');
    expectInvalid(
      () => stampIdentity('run-tags', { run_id: 'r', tags: [{ key: 'mlflow.user', value: 'bob' }] }, 'alice'),
      'mlflow.user',
    );
    expect(stampIdentity('run-tags', { run_id: 'r', key: 'mlflow.user', value: 'alice' }, 'alice')).to.equal(undefined);
    expect(stampIdentity('run-tags', { run_id: 'r', key: 'stage', value: 'bob' }, 'alice')).to.equal(undefined);
    expect(
      stampIdentity('run-tags', { run_id: 'r', metrics: [{ key: 'm', value: 1e308 }], tags: [] }, 'alice'),
    ).to.equal(undefined);
  });
});
