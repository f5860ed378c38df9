'use strict';

const { spawnSync } = require('node:child_process');

/**
 * Where the bench runs its processes. With two or more CPUs allowed and `taskset`, the apps get
 * the last allowed CPU and the load generator (this process) and Redis the others, so that the
 * app under load does not compete with autocannon for a core: otherwise a larger response costs
 * the app the client's parsing time too, and the figures swing with the scheduler. BENCH_PIN=0
 * turns it off.
 */
function cpuPlan() {
  const wanted = process.env.BENCH_PIN !== '0';
  const allowed = wanted ? allowedCpus() : [];
  const enabled = allowed.length >= 2;
  const appCpus = String(allowed[allowed.length - 1]);
  const loadCpus = allowed.slice(0, -1).join(',');
  return {
    enabled,
    description: enabled
      ? `apps pinned to CPU ${appCpus}, autocannon and Redis to CPU ${loadCpus}`
      : `not pinned (${wanted ? 'needs taskset and 2+ CPUs' : 'BENCH_PIN=0'})`,
    /** Pins every thread of the app process `pid`. */
    pinApp: (pid) => enabled && pin(pid, appCpus),
    /** Pins every thread of a load-side process (the bench itself, Redis). */
    pinLoad: (pid) => enabled && pin(pid, loadCpus),
  };
}

/** The CPUs this process may run on (`taskset -cp`: "… affinity list: 0-3,6"), or [] without taskset. */
function allowedCpus() {
  const result = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  if (result.status !== 0) return [];
  const list = result.stdout.split(':').pop().trim();
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

function pin(pid, cpuList) {
  const result = spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`taskset could not pin pid ${pid} to CPU ${cpuList}: ${result.stderr.trim()}`);
  }
}

module.exports = { cpuPlan };
