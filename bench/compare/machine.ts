/** The machine and the versions a run measured, for the header of docs/benchmarks.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

import { ROOT, TOOLS, VENV } from '../../scripts/services.js';

function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unknown';
  }
}

function packageVersion(path: string): string {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly os: string;
  readonly memoryGiB: number;
  readonly versions: readonly (readonly [string, string])[];
}

export function describeMachine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  const release = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
  return {
    cpu: `${model}, ${os.cpus().length} cores`,
    cores: os.cpus().length,
    os: `${release}, Linux ${os.release()}`,
    memoryGiB: os.totalmem() / 1024 ** 3,
    versions: [
      [
        'mlgate',
        `${packageVersion(join(ROOT, 'package.json'))} (commit ${run('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])})`,
      ],
      ['Node.js', process.version],
      ['http-proxy', packageVersion(join(ROOT, 'node_modules', 'http-proxy', 'package.json'))],
      ['Python (.venv)', run(join(VENV, 'python'), ['--version']).replace('Python ', '')],
      ['MLflow (.venv)', run(join(VENV, 'python'), ['-c', 'import mlflow; print(mlflow.__version__)'])],
      ['FerretDB', /version:\s*(\S+)/i.exec(run(join(TOOLS, 'ferretdb'), ['--version']))?.[1] ?? 'unknown'],
    ],
  };
}
