'use strict';

/*
 * Preloaded (`node -r`) into the app processes the bench starts. It listens on the IPC channel
 * for: a CPU profile of a window (V8's sampling profiler, what `node --cpu-prof` uses, but
 * around the measured load only), CPU time used so far, a memory reading, and exit. It adds no work to requests.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');

let session = null;

function reply(message) {
  if (process.connected) process.send(message);
}

function post(method, params = {}) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

async function handle(message) {
  switch (message && message.type) {
    case 'profile-start':
      session = new inspector.Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: message.intervalUs || 200 });
      await post('Profiler.start');
      return reply({ type: 'profile-started' });
    case 'profile-stop': {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      session = null;
      fs.writeFileSync(message.file, JSON.stringify(profile));
      return reply({ type: 'profile-stopped', file: message.file });
    }
    case 'cpu':
      return reply({ type: 'cpu', usage: process.cpuUsage() });
    case 'memory':
      return reply({ type: 'memory', usage: process.memoryUsage() });
    case 'exit':
      return process.exit(0);
    default:
      return undefined;
  }
}

if (process.send) {
  process.on('message', (message) => {
    handle(message).catch((err) => reply({ type: 'error', message: String(err && err.message) }));
  });
  // The bench went away: do not linger.
  process.on('disconnect', () => process.exit(0));
}
