import { Writable } from 'node:stream';
import { createLogger, maskPhone } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('logger', () => {
  it('masks mainland mobile numbers', () => {
    expect(maskPhone('call 13812345678 now')).toBe('call 138****5678 now');
    expect(maskPhone('order 2138123456789')).toBe('order 2138123456789');
  });

  it('never writes passwords, tokens or whole phone numbers', () => {
    const { logger, lines } = capture();
    logger.info(
      { body: { password: 'hunter2', token: 'abc' }, phone: '13987654321' },
      'login from 13512345678',
    );
    const out = lines.join('');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('"abc"');
    expect(out).not.toContain('13987654321');
    expect(out).not.toContain('13512345678');
    expect(out).toContain('139****4321');
    expect(out).toContain('[redacted]');
  });
});
