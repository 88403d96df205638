import { expect } from 'chai';

import { MlgateError } from '../../src/errors.js';
import { type LoggerOptions, createLogger } from '../../src/logging.js';

function capture(options: Partial<LoggerOptions> = {}): {
  lines: string[];
  logger: ReturnType<typeof createLogger>;
} {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    write: (line) => lines.push(line),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
    ...options,
  });
  return { lines, logger };
}

describe('logger', () => {
  it('writes one JSON object per line: time, level, msg and the fields', () => {
    const { lines, logger } = capture();
    logger.child({ component: 'mlgate' }).info('request', { status: 200 });
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0] as string)).to.deep.equal({
      time: '2026-01-02T03:04:05.000Z',
      level: 'info',
      component: 'mlgate',
      status: 200,
      msg: 'request',
    });
  });

  it('drops lines below the configured level', () => {
    const { lines, logger } = capture({ level: 'warn' });
    logger.info('no');
    logger.warn('yes');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).to.deep.equal(['yes']);
  });

  it('writes errors with their stack and their cause chain, under any field name', () => {
    const { lines, logger } = capture();
    const root = new TypeError('socket hang up');
    const wrapped = new MlgateError('MLGATE_INTERNAL', undefined, { cause: root });
    logger.error('request failed', { err: wrapped, error: root });
    const line = JSON.parse(lines[0] as string) as Record<string, Record<string, unknown>>;
    const err = line['err'] as Record<string, unknown>;
    expect(err['type']).to.equal('MlgateError');
    expect(err['code']).to.equal('MLGATE_INTERNAL');
    expect(err['stack']).to.be.a('string').and.include('MlgateError: Internal gateway error');
    const cause = err['cause'] as Record<string, unknown>;
    expect(cause['type']).to.equal('TypeError');
    expect(cause['message']).to.equal('socket hang up');
    expect(cause['stack']).to.be.a('string').and.include('TypeError: socket hang up');
    expect(line['error']?.['stack']).to.be.a('string').and.include('TypeError: socket hang up');
  });

  it('redacts secret-named fields at any depth: fields, child bindings and the fields of errors', () => {
    const { lines, logger } = capture();
    const error = Object.assign(new Error('bad login'), { password: 'hunter2', details: { access_token: 't' } });
    logger
      .child({ session_token: 's' })
      .warn('login failed', { user: 'u', nested: [{ deeper: { Authorization: 'Basic x' } }], err: error });
    const text = lines[0] as string;
    for (const secret of ['hunter2', '"t"', 'Basic x', '"s"']) {
      expect(text).to.not.include(secret);
    }
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line['session_token']).to.equal('[redacted]');
    expect(line['nested']).to.deep.equal([{ deeper: { Authorization: '[redacted]' } }]);
    expect(line['err']).to.deep.include({ password: '[redacted]', details: { access_token: '[redacted]' } });
  });

  it('never writes what lies deeper than it looks', () => {
    const { lines, logger } = capture();
    let deep: Record<string, unknown> = { password: 'buried' };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    logger.info('deep', { deep });
    expect(lines[0]).to.not.include('buried');
  });

  it('writes text for humans, synchronously, with the same redaction', () => {
    const { lines, logger } = capture({ format: 'text' });
    logger.error('request failed', { cookie: 'c=1', err: new Error('boom') });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('ERROR: request failed');
    expect(lines[0]).to.include('[redacted]');
    expect(lines[0]).to.not.include('c=1');
    expect(lines[0]).to.include('Error: boom');
  });
});
