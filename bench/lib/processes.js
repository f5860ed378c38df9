'use strict';

const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');
const { sleep, withTimeout } = require('./util');

const PRELOAD = path.join(__dirname, 'child-preload.js');

/** Any HTTP answer at all from 127.0.0.1:port within 1 s. */
function answers(port, urlPath) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Starts `node -r child-preload.js script` with `env` (on top of the bench's environment, minus
 * `unset`), and resolves once it answers HTTP on `port`.
 */
async function startApp({ name, script, env, unset = [], port, readyPath = '/', nodeArgs = [] }) {
  const childEnv = { ...process.env, ...env };
  for (const key of unset) delete childEnv[key];
  const child = spawn(process.execPath, [...nodeArgs, '-r', PRELOAD, script], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const app = {
    name,
    port,
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    request: (message, replyType, timeoutMs = 30_000) => ipc(child, message, replyType, timeoutMs),
    stop: () => stopChild(child),
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited during start-up (${child.exitCode}):\n${output.trim()}`);
    }
    if (await answers(port, readyPath)) return app;
    await sleep(100);
  }
  await stopChild(child);
  throw new Error(`${name} did not answer on port ${port} within 30 s:\n${output.trim()}`);
}

function ipc(child, message, replyType, timeoutMs) {
  const answer = new Promise((resolve, reject) => {
    const onMessage = (msg) => {
      if (msg && msg.type === 'error') {
        child.off('message', onMessage);
        reject(new Error(msg.message));
      } else if (msg && msg.type === replyType) {
        child.off('message', onMessage);
        resolve(msg);
      }
    };
    child.on('message', onMessage);
  });
  child.send(message);
  return withTimeout(answer, timeoutMs, `${message.type} from pid ${child.pid}`);
}

/** Asks the child to exit over IPC; SIGKILL (by pid, this child only) if it has not in 5 s. */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  try {
    if (child.connected) child.send({ type: 'exit' });
    else child.kill('SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  await Promise.race([gone, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await Promise.race([gone, sleep(2000)]);
  }
}

module.exports = { startApp, stopChild };
