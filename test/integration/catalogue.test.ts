/** Every route in the gateway's catalogue is a route the installed MLflow server really serves. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { expect } from 'chai';

import { ROUTES } from '../../src/mlflow/routes.js';
import { VENV } from '../../scripts/services.js';

const LIST_ROUTES = `
import json, logging, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
from mlflow.server import app
print(json.dumps(sorted({"%s %s" % (method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods})))
`;

describe('route catalogue against the installed MLflow', () => {
  let served: Set<string>;

  before(function () {
    this.timeout(60_000);
    const output = execFileSync(join(VENV, 'python'), ['-c', LIST_ROUTES], {
      env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
    });
    const lines = output.toString().trim().split('\n');
    served = new Set(JSON.parse(lines[lines.length - 1] as string) as string[]);
    expect(served.size).to.be.greaterThan(100);
  });

  it('lists only method and path pairs that MLflow serves', () => {
    const missing: string[] = [];
    for (const route of ROUTES) {
      for (const prefix of route.prefixes) {
        const key = `${route.method} ${prefix}${route.path}`;
        if (!served.has(key)) {
          missing.push(`${route.operation}: ${key}`);
        }
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
