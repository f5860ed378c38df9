'use strict';

const os = require('node:os');
const { spawnSync } = require('node:child_process');

/**
 * Where the bench runs its processes. On a machine with two or more CPUs and `taskset`, the
 * apps get the last CPU and the load generator (this process) and Redis the others, so that the
 * app under load does not compete with autocannon for a core: otherwise a larger response costs
 * the app the client's parsing time too, and the figures swing with the scheduler. BENCH_PIN=0
 * turns it off.
 */
function cpuPlan() {
  const cpus = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  const wanted = process.env.BENCH_PIN !== '0';
  const enabled = wanted && cpus >= 2 && hasTaskset();
  const appCpus = String(cpus - 1);
  const loadCpus = cpus > 2 ? `0-${cpus - 2}` : '0';
  return {
    enabled,
    appCpus: enabled ? appCpus : null,
    loadCpus: enabled ? loadCpus : null,
    description: enabled
      ? `apps pinned to CPU ${appCpus}, autocannon and Redis to CPU ${loadCpus}`
      : `not pinned (${wanted ? 'needs taskset and 2+ CPUs' : 'BENCH_PIN=0'})`,
    /** Pins every thread of the app process `pid`. */
    pinApp: (pid) => enabled && pin(pid, appCpus),
    /** Pins every thread of a load-side process (the bench itself, Redis). */
    pinLoad: (pid) => enabled && pin(pid, loadCpus),
  };
}

function hasTaskset() {
  return spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
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
