/** Cutting the policy's data document into pieces (src/policy/data-pieces.ts). */
import { expect } from 'chai';

import { type DataPiece, dataPieces, exceedsBytes } from '../../../src/policy/data-pieces.js';

/** The document the pieces make when each is put at its path, as opa_value_add_path does (missing objects made). */
function rebuild(pieces: Iterable<DataPiece>): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const piece of pieces) {
    let at = root;
    for (const key of piece.path.slice(0, -1)) {
      at = (at[key] ??= Object.create(null)) as Record<string, unknown>;
    }
    at[piece.path.at(-1) as string] = JSON.parse(piece.json);
  }
  return root;
}

const noProto = <T extends object>(fields: T): T => Object.assign(Object.create(null) as T, fields);

function sample(principals: number): object {
  const users = noProto({}) as Record<string, unknown[]>;
  for (let i = 0; i < principals; i++) {
    users[`user-${i}`] = [{ id: `rx-${i}`, pattern: `team-${i}/.*`, priority: i, permission: 'READ', valid: true }];
  }
  return {
    mlgate: { operations: { table: { GetRun: { level: 'READ' }, LogMetric: { level: 'EDIT' } } } },
    config: { default_permission: 'NO_PERMISSIONS', admin_groups: ['mlflow-admin'], creators: { experiment: [] } },
    rules: noProto({ experiment: noProto({ user: users, group: noProto({}) }) }),
    groups: noProto({ 'team-a': {}, 'team-b': { creator_permission: 'EDIT' } }),
  };
}

describe('policy data pieces', () => {
  for (const pieceBytes of [1, 64, 1024, 1_000_000]) {
    it(`rebuild the document exactly as JSON.stringify writes it (pieces of ${pieceBytes} bytes)`, () => {
      const document = sample(200);
      expect(JSON.stringify(rebuild(dataPieces(document, pieceBytes)))).to.equal(JSON.stringify(document));
    });
  }

  it('cut an object larger than the piece size into its keys, down to values that fit', () => {
    const pieces = [...dataPieces(sample(200), 1024)];
    const paths = pieces.map((p) => p.path.join('.'));
    // Small enough: whole.
    expect(paths).to.include.members(['mlgate', 'config', 'groups']);
    // 200 rule lists, each about 100 bytes: one piece per user.
    expect(paths.filter((p) => p.startsWith('rules.experiment.user.'))).to.have.length(200);
    expect(paths).to.include('rules.experiment.group');
    for (const piece of pieces) expect(piece.json.length).to.be.at.most(1024);
  });

  it('keep the document whole under one key each when it fits', () => {
    const pieces = [...dataPieces(sample(2), 1_000_000)];
    expect(pieces.map((p) => p.path)).to.deep.equal([['mlgate'], ['config'], ['rules'], ['groups']]);
  });

  it('never cut an array, a string or an object with its own toJSON, whatever their size', () => {
    const big = Array.from({ length: 500 }, (_, i) => `value-${i}`);
    const when = new Date(0);
    const document = { list: big, text: 'x'.repeat(5_000), when, nested: { list: big } };
    const pieces = [...dataPieces(document, 16)];
    expect(pieces.map((p) => p.path.join('.'))).to.deep.equal(['list', 'text', 'when', 'nested.list']);
    expect(JSON.parse((pieces[2] as DataPiece).json)).to.equal(when.toJSON());
    expect(JSON.stringify(rebuild(pieces))).to.equal(JSON.stringify(document));
  });

  it('leave out what JSON leaves out (undefined, functions, symbols), and keep empty objects', () => {
    const document = { a: undefined, b: () => 1, c: Symbol('c'), d: {}, e: { f: undefined, g: 1 }, h: null };
    const pieces = [...dataPieces(document, 1)];
    expect(pieces.map((p) => p.path.join('.'))).to.deep.equal(['d', 'e.g', 'h']);
    expect(JSON.stringify(rebuild(pieces))).to.equal(JSON.stringify(document));
  });

  it('treat a key named __proto__ like any other', () => {
    const document = noProto({ groups: noProto<Record<string, unknown>>({}) });
    document.groups['__proto__'] = { creator_permission: 'EDIT' };
    document.groups['team-a'] = {};
    const pieces = [...dataPieces(document, 1)];
    expect(pieces.map((p) => p.path)).to.deep.equal([
      ['groups', '__proto__', 'creator_permission'],
      ['groups', 'team-a'],
    ]);
  });

  it('make pieces lazily, as they are asked for', () => {
    let read = 0;
    const document = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`k${i}`, { toJSON: () => (read += 1) }]),
    );
    const pieces = dataPieces(document, 1);
    pieces.next();
    pieces.next();
    expect(read).to.equal(2);
  });
});

describe('policy data pieces: the JSON of frozen values kept', () => {
  /** sample(), with its rule lists frozen (rules and all), as permission-data.ts builds them. */
  function frozenSample(principals: number): object {
    const document = sample(principals) as { rules: { experiment: { user: Record<string, object[]> } } };
    for (const list of Object.values(document.rules.experiment.user)) {
      list.forEach((rule) => Object.freeze(rule));
      Object.freeze(list);
    }
    return document;
  }

  it('gives the same pieces with the JSON kept as without, load after load', () => {
    const document = frozenSample(50);
    const known = new WeakMap<object, string>();
    const plain = [...dataPieces(document, 256)];
    for (let i = 0; i < 3; i++) expect([...dataPieces(document, 256, known)]).to.deep.equal(plain);
  });

  it('writes a frozen value once, and reuses its JSON in another document holding it', () => {
    const document = frozenSample(3) as { rules: { experiment: { user: Record<string, object[]> } } };
    const list = document.rules.experiment.user['user-1'] as object[];
    const known = new WeakMap<object, string>();
    [...dataPieces(document, 64, known)];
    expect(known.get(list)).to.equal(JSON.stringify(list));
    // A stand-in for the JSON: reused as it is, never written again.
    known.set(list, '["kept"]');
    const next = { rules: { experiment: { user: { 'user-1': list } } } };
    const pieces = [...dataPieces(next, 1, known)];
    expect(pieces.find((p) => p.path.join('.') === 'rules.experiment.user.user-1')?.json).to.equal('["kept"]');
  });

  it('writes a value that is not frozen anew each time, so a change to it is never missed', () => {
    const list = [{ id: 'rx-1', pattern: 'a/.*' }];
    const document = { rules: { experiment: { user: { alice: list } } } };
    const known = new WeakMap<object, string>();
    const first = [...dataPieces(document, 1, known)];
    list.push({ id: 'rx-2', pattern: 'b/.*' });
    const second = [...dataPieces(document, 1, known)];
    expect(second).to.not.deep.equal(first);
    expect(JSON.stringify(rebuild(second))).to.equal(JSON.stringify(document));
    expect(known.has(list)).to.equal(false);
  });
});

describe('exceedsBytes (estimated JSON size)', () => {
  it('is over the JSON size of ASCII strings, keys and punctuation, never under', () => {
    const values = [sample(5), ['a', 'b'], 'text', { a: { b: ['c'] } }, [], {}];
    for (const value of values) {
      const size = JSON.stringify(value).length;
      expect(exceedsBytes(value, size - 1), JSON.stringify(value)).to.equal(true);
    }
  });

  it('stops as soon as the limit is passed (a huge array is not walked)', () => {
    let reads = 0;
    const huge = new Proxy(
      Array.from({ length: 1_000_000 }, () => 'x'),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^[0-9]+$/.test(key)) reads += 1;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    expect(exceedsBytes(huge, 100)).to.equal(true);
    expect(reads).to.be.below(200);
  });
});
