'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Where a frame's code comes from: a package, the library, the sample, Node or V8. */
function originOf(url) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node core';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.includes('/libs/session/')) return 'nest-session-kit (libs/session)';
  if (file.includes('/apps/sample/')) return 'sample app';
  if (file.includes('/bench/')) return 'bench';
  return path.relative(ROOT, file) || file;
}

function shortUrl(url) {
  if (!url) return '';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) return file.slice(nm + 'node_modules/'.length);
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

/** Self time (µs) per function (`name file:line`) and per origin in a .cpuprofile. */
function selfTimes(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map();
  const origins = new Map();
  const { samples, timeDeltas } = profile;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < samples.length; i++) {
    const us = Math.max(0, timeDeltas[i] || 0);
    const { callFrame } = byId.get(samples[i]);
    const name = callFrame.functionName || '(anonymous)';
    const where = callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`.trim();
    functions.set(key, (functions.get(key) || 0) + us);
    const origin = originOf(callFrame.url);
    origins.set(origin, (origins.get(origin) || 0) + us);
    total += us;
    if (name === '(idle)') idle += us;
  }
  return { total, idle, functions, origins };
}

const biggest = (entries, top, value) =>
  [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, v]) => ({ name, ...value(v) }));
const oneDecimal = (x) => Math.round(x * 10) / 10;

/**
 * The top self-time entries of a profile taken while `requests` requests were served: share of
 * all samples and µs of CPU per request.
 */
function summarizeProfile(file, requests, top = 15) {
  const { total, idle, functions, origins } = selfTimes(file);
  const value = (us) => ({
    selfPercent: oneDecimal((100 * us) / total),
    usPerRequest: oneDecimal(us / requests),
  });
  return {
    file: path.relative(ROOT, file),
    requests,
    sampledMs: Math.round(total / 1000),
    busyUsPerRequest: oneDecimal((total - idle) / requests),
    topFunctions: biggest(functions, top, value),
    topOrigins: biggest(origins, top, value),
  };
}

/**
 * Where `a` spends more CPU per request than `b`: self µs per request by function, largest
 * difference first (functions only one side runs show up with the other side at 0).
 */
function diffProfiles(a, b, top = 15) {
  const pa = selfTimes(a.file.startsWith('/') ? a.file : path.join(ROOT, a.file));
  const pb = selfTimes(b.file.startsWith('/') ? b.file : path.join(ROOT, b.file));
  const diff = new Map();
  for (const [key, us] of pa.functions) diff.set(key, us / a.requests);
  for (const [key, us] of pb.functions) diff.set(key, (diff.get(key) || 0) - us / b.requests);
  diff.delete('(idle)');
  return biggest(diff, top, (us) => ({ usPerRequest: oneDecimal(us) }));
}

module.exports = { summarizeProfile, diffProfiles };
