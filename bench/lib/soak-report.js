'use strict';

const { writeMarkedBlock, fmt, mib } = require('./report');

const START = '<!-- soak:results:start -->';
const END = '<!-- soak:results:end -->';

const kib = (bytes) => `${fmt(bytes / 1024, 0)} KiB`;

/** `: kind ×n, ...` for the kinds that occurred, or nothing. */
function phaseErrors(counts = {}) {
  const kinds = Object.entries(counts).filter(([, n]) => n > 0);
  return kinds.length ? `: ${kinds.map(([kind, n]) => `${kind} ×${n}`).join(', ')}` : '';
}

function rows(r) {
  const instanceRows = r.rss.map((s, i) => [
    `RSS of instance ${'AB'[i]}`,
    `${mib(s.first)} → ${mib(s.last)}; slope ${fmt(s.slopePerMin / 2 ** 20, 2)} MiB/min ` +
      `(heap ${fmt(s.heapSlopePerMin / 2 ** 20, 2)} MiB/min) after the first fifth`,
  ]);
  const errorList = Object.entries(r.errorCounts)
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
  return [
    [
      'load',
      `${fmt(r.loadSeconds)} s, ${r.config.connections} clients over ${fmt(r.config.sessions)} sessions ` +
        `(created in ${fmt(r.seedSeconds)} s first), two instances, one Redis, the sample's default timeouts`,
    ],
    [
      'requests',
      `${fmt(r.requests)} (${fmt(r.rps)} req/s; p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms)`,
    ],
    [
      'operations',
      `${fmt(r.ops.read)} reads, ${fmt(r.ops.write)} writes, ${fmt(r.ops.login)} logins, ` +
        `${fmt(r.ops.logout)} logouts (each checked dead on the other instance), ${fmt(r.ops.create)} new sessions`,
    ],
    ['errors (target 0)', `${fmt(r.errors)}${errorList ? `: ${errorList}` : ''}`],
    ['sessions lost (target 0)', fmt(r.sessionsLost)],
    ['writes lost or read stale (target 0)', fmt(r.writesLost)],
    [
      'longest gap between two requests of one session under the load',
      `${fmt(r.maxGapMs / 1000, 1)} s`,
    ],
    ...instanceRows,
    [
      'Redis memory (second phase)',
      `${fmt(r.redis.sessions)} sessions created again with idle/absolute timeouts of ` +
        `${fmt(r.config.expiryIdleTimeoutMs / 1000)} s/${fmt(r.config.expiryAbsoluteTimeoutMs / 1000)} s ` +
        `(${fmt(r.redis.errors)} errors${phaseErrors(r.redis.errorCounts)}): baseline ${mib(r.redis.baseline)} (${fmt(r.redis.baselineKeys)} keys), ` +
        `then ${mib(r.redis.peak)} (${fmt(r.redis.peakKeys)} keys), ${fmt(r.redis.expirySeconds)} s later ` +
        `${mib(r.redis.after)} (${fmt(r.redis.afterKeys)} keys; ${kib(r.redis.after - r.redis.baseline)} over the baseline)`,
    ],
    [
      'back to baseline',
      `${r.redis.backToBaseline ? 'yes' : 'NO'}: ${fmt(r.redis.sessionKeysLeft)} session and ` +
        `${fmt(r.redis.registryKeysLeft)} per-user index keys left; ${kib(r.redis.residual)} over the ` +
        `baseline besides the keys that stay by design (${kib(r.redis.keysLeftBytes)}) and Lua ` +
        `scripts loaded (${kib(r.redis.scriptsDelta)})`,
    ],
    [
      'keys that stay by design',
      Object.entries(r.redis.keysLeft)
        .map(([name, group]) => `\`${name}\` ×${group.count} (${kib(group.bytes)})`)
        .join(', ') || 'none',
    ],
  ];
}

function printSoakReport(r) {
  console.log('\n[soak] results');
  for (const [name, value] of rows(r)) console.log(`  ${name.padEnd(48)} ${value}`);
  if (r.errorExamples.length) {
    console.log('  first errors:');
    for (const line of r.errorExamples) console.log(`    ${line}`);
  }
}

function markdown(r) {
  const machine =
    `${r.date.slice(0, 10)}, ${r.machine.cpus} CPUs (load average ${fmt(r.machine.load, 1)} at the end, ` +
    `other jobs included), Node ${r.machine.node}, Redis ${r.machine.redis}`;
  const table = rows(r)
    .map(([name, value]) => `| ${name} | ${value} |`)
    .join('\n');
  return `Last \`npm run soak\` (${machine}):\n\n| | |\n|---|---|\n${table}`;
}

function writeSoakMarkdown(file, r) {
  return writeMarkedBlock(file, START, END, '## Soak results', markdown(r));
}

module.exports = { printSoakReport, writeSoakMarkdown };
