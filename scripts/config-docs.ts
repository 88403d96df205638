/** Rewrites the option table of docs/configuration.md from the option table (src/config/schema.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderOptionsTable } from '../src/config/example.js';
import { packageRoot } from '../src/paths.js';

const file = join(packageRoot(), 'docs', 'configuration.md');
const lines = readFileSync(file, 'utf8').split('\n');
const start = lines.findIndex((line) => line.startsWith('| option | type | default |'));
if (start < 0) {
  throw new Error(`${file} has no option table to replace`);
}
let end = start;
while (end < lines.length && (lines[end] as string).startsWith('|')) {
  end += 1;
}
lines.splice(start, end - start, ...renderOptionsTable().split('\n'));
writeFileSync(file, lines.join('\n'));
console.log(`wrote the option table of ${file}`);
