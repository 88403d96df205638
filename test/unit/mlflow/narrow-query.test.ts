/**
 * narrowQuery: the unreadable `experiment_ids=` pairs of a query string are cut out and every other byte is kept,
 * so the query MLflow parses is the one the gateway decided on, whatever spelling the client chose.
 */
import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { narrowQuery } from '../../../src/mlflow/narrow-query.js';
import { parseQuery } from '../../../src/mlflow/params.js';

const NAME = 'experiment_ids';
const ALLOWED = new Set(['1', '3']);

describe('narrowQuery', () => {
  it('keeps the readable pairs byte for byte and leaves the query untouched when nothing is cut', () => {
    expect(narrowQuery('experiment_ids=1&experiment_ids=3&max_results=5', NAME, ALLOWED)).to.deep.equal({
      kept: ['1', '3'],
    });
  });

  it('cuts every pair naming an unreadable experiment, repeated ones included', () => {
    const narrowed = narrowQuery(
      'experiment_ids=2&experiment_ids=1&filter=a%20b&experiment_ids=2&max_results=5',
      NAME,
      ALLOWED,
    );
    expect(narrowed).to.deep.equal({ kept: ['1'], querystring: 'experiment_ids=1&filter=a%20b&max_results=5' });
  });

  it('cuts a pair whose name or value is percent-encoded, as MLflow decodes both', () => {
    const narrowed = narrowQuery('experiment%5Fids=2&experiment_ids=%32&experiment_ids=%31', NAME, ALLOWED);
    expect(narrowed).to.deep.equal({ kept: ['1'], querystring: 'experiment_ids=%31' });
    expect(parseQuery(narrowed.querystring ?? '').getAll(NAME)).to.deep.equal(['1']);
  });

  it('keeps names MLflow does not read as experiment_ids (brackets, a plus, case, a leading "?"), as the gateway did not read them either', () => {
    for (const other of ['experiment_ids[]=2', 'experiment_ids+=2', 'Experiment_ids=2', '?experiment_ids=2']) {
      const narrowed = narrowQuery(`${other}&experiment_ids=2&experiment_ids=1`, NAME, ALLOWED);
      expect(narrowed, other).to.deep.equal({ kept: ['1'], querystring: `${other}&experiment_ids=1` });
      expect(parseQuery(narrowed.querystring ?? '').getAll(NAME), other).to.deep.equal(['1']);
    }
  });

  it('reads a semicolon as part of the value, as werkzeug does: such a pair names nothing readable', () => {
    expect(narrowQuery('experiment_ids=1;experiment_ids=2&experiment_ids=3', NAME, ALLOWED)).to.deep.equal({
      kept: ['3'],
      querystring: 'experiment_ids=3',
    });
  });

  it('cuts empty values and pairs without "=", which name no experiment', () => {
    expect(narrowQuery('experiment_ids=&experiment_ids&experiment_ids=1&&x', NAME, ALLOWED)).to.deep.equal({
      kept: ['1'],
      querystring: 'experiment_ids=1&&x',
    });
  });

  it('says nothing is left when no named experiment is readable', () => {
    expect(narrowQuery('experiment_ids=2&experiment_ids=4', NAME, ALLOWED)).to.deep.equal({
      kept: [],
      querystring: '',
    });
  });

  it('refuses a query string whose escapes are not UTF-8 (the gateway and MLflow would read it apart)', () => {
    expect(() => narrowQuery('experiment_ids=1&experiment_ids=%FF', NAME, ALLOWED)).to.throw(MlgateError);
  });
});
