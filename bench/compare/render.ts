/** A report table as plain text for the console, or as Markdown for docs/benchmarks.md. */
import { table } from '../stats.js';
import type { Table } from './report.js';

export const asText = (t: Table): string => `${t.title}\n\n${table(t.headers, t.rows)}\n`;

export function asMarkdown(t: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [`### ${t.title}`, '', line(t.headers), line(t.headers.map(() => '---')), ...t.rows.map(line), ''].join('\n');
}
