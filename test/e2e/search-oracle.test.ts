/**
 * SearchExperiments must not be an oracle: a caller who may read only their
 * own experiments tries to spell out another team's hidden tag value, one
 * character at a time, from what the gateway's answers to filtered searches
 * look like (a next_page_token, the rows, the size of the answer); and the
 * page tokens that remain are sealed, bound to their search and caller.
 */
import { expect } from 'chai';

import { type Credentials, basic, cli, startExtraGateway, world } from './world.js';

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

async function post(
  path: string,
  credentials: Credentials | { readonly headers: Record<string, string> },
  body: object,
  baseUrl = world.gateway.url,
): Promise<Answer> {
  const auth = 'headers' in credentials ? credentials.headers : { authorization: basic(credentials) };
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

async function createExperiment(name: string, as: Credentials): Promise<string> {
  const answer = await post('/api/2.0/mlflow/experiments/create', as, { name });
  expect(answer.status, answer.text).to.equal(200);
  return answer.body['experiment_id'] as string;
}

async function setTag(experimentId: string, value: string, as: Credentials): Promise<void> {
  const answer = await post('/api/2.0/mlflow/experiments/set-experiment-tag', as, {
    experiment_id: experimentId,
    key: TAG,
    value,
  });
  expect(answer.status, answer.text).to.equal(200);
}

function namesOf(answer: Answer): string[] {
  return ((answer.body['experiments'] as { name: string }[] | undefined) ?? []).map((e) => e.name);
}

const TAG = 'oracle_secret';
const SECRET = 'nab3';
const ALPHABET = '3abnxz';

describe('experiment search is not an oracle for hidden rows', () => {
  let snoop: Credentials;
  let first: string;
  let last: string;

  before(async () => {
    await cli(['user', 'create', 'snoop', '--group', 'snoopers']);
    snoop = { username: 'snoop', token: await cli(['token', 'create', 'snoop']) };
    // Another team's experiment, which snoop may not read, sorts between snoop's own two.
    const hidden = await createExperiment('oracle-m-hidden', world.users.admin);
    await setTag(hidden, SECRET, world.users.admin);
    first = await createExperiment('oracle-a-mine', snoop);
    last = await createExperiment('oracle-z-mine', snoop);
  });

  /**
   * One probe: snoop tags their own experiment(s) with the guess, so that their rows match the filter whatever
   * the guess, and searches for rows whose tag starts with it.
   */
  async function probe(guess: string, maxResults: number, own: readonly string[]): Promise<Answer> {
    for (const id of own) {
      await setTag(id, guess, snoop);
    }
    const answer = await post('/api/2.0/mlflow/experiments/search', snoop, {
      filter: `tags.${TAG} LIKE '${guess}%'`,
      order_by: ['name ASC'],
      max_results: maxResults,
    });
    expect(answer.status, answer.text).to.equal(200);
    return answer;
  }

  /** The attack: extend the guess while some answer differs from the answer to a wrong guess. */
  async function recover(maxResults: number, own: readonly string[]): Promise<string> {
    let known = '';
    for (;;) {
      const wrong = await probe(`${known}~`, maxResults, own);
      let found: string | undefined;
      for (const char of ALPHABET) {
        const answer = await probe(known + char, maxResults, own);
        const tokenShows =
          (answer.body['next_page_token'] !== undefined) !== (wrong.body['next_page_token'] !== undefined);
        const rowsShow = JSON.stringify(namesOf(answer)) !== JSON.stringify(namesOf(wrong));
        if (tokenShows || rowsShow || answer.text.length !== wrong.text.length) {
          found = char;
          break;
        }
      }
      if (found === undefined) {
        return known;
      }
      known += found;
    }
  }

  for (const maxResults of [1, 1000]) {
    it(`recovers nothing from hidden rows after the last readable one (max_results=${maxResults})`, async () => {
      expect(await recover(maxResults, [first])).to.equal('');
    });
  }

  it('answers a right and a wrong guess identically: same rows, no token, same size', async () => {
    for (const maxResults of [1, 1000]) {
      const right = await probe(SECRET.slice(0, 1), maxResults, [first]);
      const wrong = await probe('x', maxResults, [first]);
      expect(namesOf(right)).to.deep.equal(['oracle-a-mine']);
      expect(namesOf(wrong)).to.deep.equal(['oracle-a-mine']);
      expect(right.body['next_page_token']).to.equal(undefined);
      expect(wrong.body['next_page_token']).to.equal(undefined);
      expect(right.text.length).to.equal(wrong.text.length);
    }
  });

  it('hides rows between readable ones: the same pages and tokens of the same size', async () => {
    const pages = async (guess: string): Promise<{ names: string[][]; tokenLengths: number[] }> => {
      const opening = await probe(guess, 1, [first, last]);
      const token = opening.body['next_page_token'] as string;
      expect(token, opening.text).to.be.a('string');
      const second = await post('/api/2.0/mlflow/experiments/search', snoop, {
        filter: `tags.${TAG} LIKE '${guess}%'`,
        order_by: ['name ASC'],
        max_results: 1,
        page_token: token,
      });
      expect(second.status, second.text).to.equal(200);
      expect(second.body['next_page_token']).to.equal(undefined);
      return { names: [namesOf(opening), namesOf(second)], tokenLengths: [token.length] };
    };
    const right = await pages(SECRET.slice(0, 2));
    const wrong = await pages('xz');
    expect(right.names).to.deep.equal([['oracle-a-mine'], ['oracle-z-mine']]);
    expect(wrong).to.deep.equal(right);
    expect(await recover(1, [first, last])).to.equal('');
  });
});

describe('page tokens of experiment searches', () => {
  let owner: Credentials;
  const search = { filter: "name LIKE 'tokens-%'", order_by: ['name ASC'], max_results: 1 };

  before(async () => {
    await cli(['user', 'create', 'token-owner']);
    owner = { username: 'token-owner', token: await cli(['token', 'create', 'token-owner']) };
    for (const name of ['tokens-1', 'tokens-2', 'tokens-3']) {
      await createExperiment(name, owner);
    }
  });

  async function firstToken(baseUrl = world.gateway.url): Promise<string> {
    const answer = await post('/api/2.0/mlflow/experiments/search', owner, search, baseUrl);
    expect(answer.status, answer.text).to.equal(200);
    expect(namesOf(answer)).to.deep.equal(['tokens-1']);
    return answer.body['next_page_token'] as string;
  }

  function expectRefused(answer: Answer): void {
    expect(answer.status, answer.text).to.equal(400);
    expect(answer.body['code']).to.equal('MLGATE_REQUEST_INVALID');
    expect(answer.body['error_code']).to.equal('INVALID_PARAMETER_VALUE');
    expect(answer.body['message']).to.contain('Restart the search without page_token');
  }

  it('continues the search it was issued for, for the caller it was issued to, and nothing else', async () => {
    const token = await firstToken();
    const next = await post('/api/2.0/mlflow/experiments/search', owner, { ...search, page_token: token });
    expect(next.status, next.text).to.equal(200);
    expect(namesOf(next)).to.deep.equal(['tokens-2']);

    expectRefused(
      await post('/api/2.0/mlflow/experiments/search', world.users.admin, { ...search, page_token: token }),
    );
    for (const other of [
      { filter: "name LIKE 'tokens-2%'" },
      { order_by: ['name DESC'] },
      { max_results: 2 },
      { view_type: 'ALL' },
    ]) {
      expectRefused(
        await post('/api/2.0/mlflow/experiments/search', owner, { ...search, ...other, page_token: token }),
      );
    }
    // MLflow's own token (offset 1) and the gateway's former readable format are not passed on.
    const mlflowToken = Buffer.from(JSON.stringify({ offset: 1 })).toString('base64');
    const oldToken = 'mlg1.' + Buffer.from(JSON.stringify([mlflowToken, 0])).toString('base64url');
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const forged of [mlflowToken, oldToken, altered]) {
      expectRefused(await post('/api/2.0/mlflow/experiments/search', owner, { ...search, page_token: forged }));
    }
  });

  it("refuses max_results outside MLflow's range, as MLflow does", async () => {
    for (const max_results of [0, -1, 50_001]) {
      const answer = await post('/api/2.0/mlflow/experiments/search', owner, { ...search, max_results });
      expect(answer.status, answer.text).to.equal(400);
      expect(answer.body['error_code']).to.equal('INVALID_PARAMETER_VALUE');
      expect(answer.body['message']).to.contain('max_results');
    }
  });

  it('is accepted by every replica sharing session.secret_key, and refused by a gateway with another key', async () => {
    const one = await startExtraGateway('replica-1'); // the world's SECRET_KEY
    const two = await startExtraGateway('replica-2');
    const token = await firstToken(one.url);
    const next = await post('/api/2.0/mlflow/experiments/search', owner, { ...search, page_token: token }, two.url);
    expect(next.status, next.text).to.equal(200);
    expect(namesOf(next)).to.deep.equal(['tokens-2']);
    // Another key also keys access-token hashes differently, so the owner reaches that gateway through trusted
    // proxy headers instead.
    const other = await startExtraGateway('other-key', {
      SECRET_KEY: 'another e2e secret key, 32+ characters long',
      MLGATE_PROXY_AUTH_ENABLED: 'true',
      MLGATE_PROXY_AUTH_TRUSTED_PROXIES: '127.0.0.1/32',
    });
    const viaProxy = { headers: { 'x-forwarded-user': owner.username } };
    const own = await post('/api/2.0/mlflow/experiments/search', viaProxy, search, other.url);
    expect(own.status, own.text).to.equal(200);
    expectRefused(
      await post('/api/2.0/mlflow/experiments/search', viaProxy, { ...search, page_token: token }, other.url),
    );
  });
});
