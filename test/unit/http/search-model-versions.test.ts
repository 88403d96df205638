/**
 * SearchModelVersions through the whole pipeline (fake MLflow): each row is decided by its registered model or
 * prompt, and MLflow is asked which type a name is only when the answer changes what the caller sees — not once
 * per registered model on every page of every search (one search by a user without any grant made one MLflow
 * request per name in the registry, up to 200 000 per request).
 */
import { expect } from 'chai';

import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

const REGISTRY = { 'model-a': false, 'model-b': false, 'prompt-p': true, shared: false };
const VERSIONS = Object.keys(REGISTRY).map((name) => ({ name, version: '1' }));

describe('SearchModelVersions look-ups', function () {
  this.timeout(20_000);
  let lookups: string[];
  let pipeline: Pipeline;

  beforeEach(async () => {
    lookups = [];
    pipeline = await startPipeline({ registry: REGISTRY, modelVersions: VERSIONS, registryLookups: lookups });
  });
  afterEach(() => pipeline.close());

  async function search(auth: string): Promise<unknown> {
    const response = await fetch(`${pipeline.url}/api/2.0/mlflow/model-versions/search`, {
      headers: { authorization: auth },
    });
    expect(response.status).to.equal(200);
    return response.json();
  }

  function grant(type: 'registered_model' | 'prompt', id: string, username: string): Promise<boolean> {
    return pipeline.store.grants.put({
      resourceType: type,
      resourceId: id,
      principalType: 'user',
      principal: username,
      permission: 'READ',
      createdBy: 'test',
    });
  }

  it('a caller without any grant sees no row, and no name is looked up', async () => {
    const auth = await pipeline.user('nobody');
    expect(await search(auth)).to.deep.equal({});
    expect(lookups).to.deep.equal([]);
  });

  it('only the names the caller may read in one type are looked up, and each row is decided in its own type', async () => {
    const auth = await pipeline.user('alice');
    await grant('registered_model', 'model-a', 'alice');
    // A prompt grant on a registered model's name does not show its versions.
    await grant('prompt', 'model-b', 'alice');
    await grant('prompt', 'prompt-p', 'alice');
    expect(await search(auth)).to.deep.equal({
      model_versions: [
        { name: 'model-a', version: '1' },
        { name: 'prompt-p', version: '1' },
      ],
    });
    expect([...lookups].sort()).to.deep.equal(['model-a', 'model-b', 'prompt-p']);
  });

  it('a name the caller may read in both types is shown without a look-up', async () => {
    const auth = await pipeline.user('bob');
    await grant('registered_model', 'shared', 'bob');
    await grant('prompt', 'shared', 'bob');
    expect(await search(auth)).to.deep.equal({ model_versions: [{ name: 'shared', version: '1' }] });
    expect(lookups).to.deep.equal([]);
  });
});
