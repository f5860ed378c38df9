import { OutageLog } from './outage-log';

class Clock {
  t = 0;
  readonly now = () => this.t;
}

describe('OutageLog', () => {
  it('logs the first failure at once, then one line per interval with the count in between', () => {
    const clock = new Clock();
    const lines: string[] = [];
    const log = new OutageLog(
      { error: (line: unknown) => lines.push(String(line)) },
      10_000,
      clock.now,
    );
    log.report('Session redis backend: read failed', new Error('ECONNREFUSED'));
    for (let i = 0; i < 524; i++) {
      clock.t += 10;
      log.report('Session redis backend: read failed', new Error('ECONNREFUSED'));
    }
    expect(lines).toEqual(['Session redis backend: read failed: ECONNREFUSED']);
    clock.t = 10_000;
    log.report('Session redis backend: registry put failed', 'timed out');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      'Session redis backend: registry put failed: timed out (and 524 more failures in the last 10 s)',
    );
    clock.t = 30_000;
    log.report('x', new Error('again'));
    expect(lines[2]).toBe('x: again');
  });
});
