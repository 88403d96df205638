/** The prompt names of a prompt optimization's source_prompt_uri, as MLflow's auth reads them (h/genai). */
import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { sourcePromptNames } from '../../../src/mlflow/prompt-uri.js';
import { reflectionEndpoint } from '../../../src/mlflow/reflection-model.js';

describe('source prompt URIs', () => {
  it('reads the name of prompts:/ URIs as _parse_model_uri does (before the last @, or before /<version>)', () => {
    expect(sourcePromptNames('prompts:/qa@prod')).to.deep.equal(['qa']);
    expect(sourcePromptNames('prompts:/qa@x@prod')).to.deep.equal(['qa@x']);
    expect(sourcePromptNames('prompts:/qa/3')).to.deep.equal(['qa']);
  });

  it('takes a bare value whole, and also the name before its last @ (both readings are checked)', () => {
    expect(sourcePromptNames('qa')).to.deep.equal(['qa']);
    expect(sourcePromptNames('qa@latest')).to.deep.equal(['qa@latest', 'qa']);
    expect(sourcePromptNames('Prompts:/qa@prod')).to.deep.equal(['Prompts:/qa@prod', 'Prompts:/qa']);
  });

  it('refuses what MLflow cannot read a name from, and what urlparse would read otherwise', () => {
    for (const value of [
      'prompts:/',
      'prompts:/qa',
      'prompts:/qa/latest',
      'prompts:/a/b/3',
      'prompts:/@prod',
      'prompts:/qa@',
      'prompts://host/qa@prod',
      'prompts:/qa;x@prod',
      'prompts:/qa?x@prod',
      'prompts:/qa#x@prod',
      'prompts:/q\ta@prod',
      '@prod',
      'qa prod',
    ]) {
      expect(() => sourcePromptNames(value), value).to.throw(MlgateError, /cannot be read/);
    }
  });
});

describe('reflection model endpoints', () => {
  it('reads gateway:/<endpoint> from the optimizer configuration as MLflow does', () => {
    expect(reflectionEndpoint('{"reflection_model": "gateway:/ep"}')).to.equal('ep');
    expect(reflectionEndpoint('{"reflection_model": "gateway:///ep"}')).to.equal('ep');
    expect(reflectionEndpoint('{"reflection_model": "gateway:/"}')).to.equal(null);
    expect(reflectionEndpoint('{"reflection_model": "openai:/gpt-4o"}')).to.equal(null);
    expect(reflectionEndpoint('{"reflection_model": 3}')).to.equal(null);
    expect(reflectionEndpoint('[1]')).to.equal(null);
    expect(reflectionEndpoint('{"reflection_model": "openai:/x", "reflection_model": "gateway:/ep"}')).to.equal('ep');
  });

  it('refuses text Python reads as JSON and JavaScript does not (NaN, Infinity)', () => {
    expect(() => reflectionEndpoint('{"a": NaN, "reflection_model": "gateway:/ep"}')).to.throw(MlgateError);
    expect(() => reflectionEndpoint('not json')).to.throw(MlgateError);
  });
});
