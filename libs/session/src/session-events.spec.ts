import { SessionEvents, type SessionEndEvent } from './session-events';

const END: SessionEndEvent = { userId: 'u1', createdAt: 0, endedAt: 1, reason: 'logout' };

describe('SessionEvents', () => {
  it('removes only its own listener, however often the unsubscribe function is called', async () => {
    const events = new SessionEvents();
    const heard: string[] = [];
    const offA = events.on('end', () => void heard.push('a'));
    events.on('end', () => void heard.push('b'));
    offA();
    offA();
    offA();
    await events.emit('end', END);
    expect(heard).toEqual(['b']);
  });

  it('treats the same function added twice as two listeners, each removed by its own call', async () => {
    const events = new SessionEvents();
    let calls = 0;
    const listener = () => void (calls += 1);
    const first = events.on('end', listener);
    events.on('end', listener);
    first();
    first();
    await events.emit('end', END);
    expect(calls).toBe(1);
  });
});
