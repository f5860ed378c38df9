'use strict';

const fs = require('node:fs');

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
const PG_START = '<!-- bench:postgres:start -->';
const PG_END = '<!-- bench:postgres:end -->';

const fmt = (value, digits = 0) =>
  typeof value === 'number' && Number.isFinite(value)
    ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const RELOGIN_WHY =
  "the bench's session had ended, e.g. evicted by the per-user session limit during the logins";
const verdict = (target) => (target.met ? 'met' : 'MISSED');
const mib = (bytes) => `${fmt(bytes / 2 ** 20, 1)} MiB`;

const readRow = (name, s) => [
  name,
  fmt(s.rps),
  fmt(s.p50, 1),
  fmt(s.p99, 1),
  fmt(s.cpuPerRequestUs),
  fmt(s.commandsPerRead, 3),
  Object.entries(s.perCommand)
    .map(([cmd, n]) => `${cmd} ${fmt(n, 3)}`)
    .join(', '),
];

const targetsTable = (targets) => [
  'Targets',
  ['target', 'value', 'verdict'],
  Object.values(targets).map((t) => [
    t.target,
    String(t.value),
    t.note ? `${verdict(t)}: ${t.note}` : verdict(t),
  ]),
];

const LADDER_NAMES = {
  floor: 'bare node:http + one Redis GET (the floor)',
  fastifyBaseline: 'hand-wired Nest on Fastify (@fastify/session)',
  sampleFastify: 'the sample on Fastify',
  sample: 'the sample on Express',
  baseline: 'hand-wired Nest on Express (express-session)',
};

const ratioRow = (label, ratio, why) => [
  label,
  fmt(ratio.rps, 3),
  '',
  '',
  fmt(ratio.cpu, 3),
  '',
  why,
];

const DIFF_TITLES = {
  sampleOverBaselineHeaders: 'Extra CPU per request in the sample over baseline + headers',
  sampleFastifyOverFastifyBaseline:
    'Extra CPU per request in the sample on Fastify over hand-wired Fastify',
};

/** Issue 17's ladder, when the run had one. */
function ladderTables(r) {
  if (!r.ladder) return [];
  const { read, ratios } = r.ladder;
  return [
    [
      `The ladder: GET /auth/me with a signed-in session on Redis, ${r.config.connections} connections, medians of ${r.config.ladderRounds} alternating rounds of ${r.config.roundSeconds} s`,
      ['app', 'req/s', 'p50 ms', 'p99 ms', 'app CPU µs/req', 'Redis cmds/read', 'per read'],
      [
        ...Object.entries(LADDER_NAMES).map(([name, label]) => readRow(label, read[name])),
        ratioRow(
          'sample on Fastify / hand-wired Fastify',
          ratios.fastifyOverHandWired,
          'target >= 1.0; CPU column: hand-wired CPU / sample CPU',
        ),
        ratioRow(
          'sample on Fastify / sample on Express',
          ratios.fastifyOverExpress,
          'target >= 1.8; CPU column: Express CPU / Fastify CPU',
        ),
        ratioRow('sample on Express / hand-wired Express', ratios.expressOverHandWired, ''),
      ],
    ],
  ];
}

/** The result tables as rows of cells: [title, header, rows][] */
function tables(r) {
  const { read, scale } = r;
  const out = [
    [
      `GET /auth/me, ${r.config.connections} connections, medians of ${r.config.rounds} alternating rounds of ${r.config.roundSeconds} s (${fmt(r.config.smallScale)} other sessions stored)`,
      ['app', 'req/s', 'p50 ms', 'p99 ms', 'app CPU µs/req', 'Redis cmds/read', 'per read'],
      [
        readRow('sample (nest-session-kit)', read.sample),
        readRow('baseline (hand-wired)', read.baseline),
        readRow('baseline + headers', read.baselineHeaders),
        readRow('library only (baseline app)', read.libraryOnly),
        [
          'sample / baseline',
          fmt(r.throughputRatio, 3),
          '',
          '',
          `${fmt(r.cpuRatio, 3)} (baseline / sample)`,
          '',
          'medians of per-round ratios',
        ],
        [
          'sample / baseline + headers',
          fmt(r.throughputRatioHeaders, 3),
          '',
          '',
          `${fmt(r.cpuRatioHeaders, 3)} (baseline / sample)`,
          '',
          'the same headers on both sides',
        ],
        [
          'library only / baseline',
          fmt(r.throughputRatioLibrary, 3),
          '',
          '',
          `${fmt(r.cpuRatioLibrary, 3)} (baseline / library)`,
          '',
          'the same app, sessions by the library',
        ],
      ],
    ],
    ...ladderTables(r),
    [
      `Scale: the sample with ${fmt(r.config.smallScale)} and with ${fmt(r.config.scale)} other sessions in its Redis database (${r.config.scaleRounds} alternating rounds, ${r.config.logins} logins each, taking turns)`,
      ['measure', fmt(r.config.smallScale), fmt(r.config.scale), 'factor'],
      [
        [
          'login median ms',
          fmt(scale.logins.sample.median, 1),
          fmt(scale.logins.sampleLarge.median, 1),
          fmt(scale.loginFactor, 2),
        ],
        ['login p90 ms', fmt(scale.logins.sample.p90, 1), fmt(scale.logins.sampleLarge.p90, 1), ''],
        [
          'read req/s',
          fmt(scale.small.rps),
          fmt(scale.large.rps),
          `${fmt(scale.readFactor, 2)} (1k / 1M)`,
        ],
        ['read p99 ms', fmt(scale.small.p99, 1), fmt(scale.large.p99, 1), ''],
        [
          'read app CPU µs/req',
          fmt(scale.small.cpuPerRequestUs),
          fmt(scale.large.cpuPerRequestUs),
          `${fmt(scale.cpuFactor, 2)} (1M / 1k)`,
        ],
        [
          'Redis cmds/read',
          fmt(scale.small.commandsPerRead, 3),
          fmt(scale.large.commandsPerRead, 3),
          '',
        ],
      ],
    ],
    [
      `Memory store (MemorySessionStore, maxSessions ${fmt(r.memory.maxSessions)})`,
      ['measure', 'value'],
      [
        [`heap growth, ${fmt(r.memory.fill)} sessions`, mib(r.memory.fillDelta.heapUsed)],
        [`RSS growth, ${fmt(r.memory.fill)} sessions`, mib(r.memory.fillDelta.rss)],
        ['heap bytes per session', fmt(r.memory.heapBytesPerSession)],
        ['RSS bytes per session', fmt(r.memory.rssBytesPerSession)],
        ['stored JSON bytes per session', fmt(r.memory.storedJsonBytes)],
        [
          `size after ${fmt(r.memory.overfill)} inserts`,
          `${fmt(r.memory.sizeAtOverfill)} (oldest evicted: ${r.memory.oldestEvicted}, newest kept: ${r.memory.newestKept})`,
        ],
        [
          `heap growth, after ${fmt(r.memory.overfill)} inserts`,
          mib(r.memory.overfillDelta.heapUsed),
        ],
        ['inserts per second', fmt((r.memory.fill / r.memory.fillMs) * 1000)],
      ],
    ],
    targetsTable(r.targets),
  ];
  if (r.profiles) {
    for (const [name, p] of Object.entries(r.profiles)) {
      if (!p.topFunctions) continue;
      out.push([
        `CPU profile of ${name} under load (${p.file}, ${fmt(p.busyUsPerRequest)} µs busy per request): top self time`,
        ['function', 'self %', 'µs/req'],
        p.topFunctions
          .slice(0, 12)
          .map((f) => [f.name, fmt(f.selfPercent, 1), fmt(f.usPerRequest, 1)]),
      ]);
      out.push([
        `${name}: self time by origin`,
        ['origin', 'self %', 'µs/req'],
        p.topOrigins
          .slice(0, 8)
          .map((f) => [f.name, fmt(f.selfPercent, 1), fmt(f.usPerRequest, 1)]),
      ]);
    }
    for (const [name, diff] of Object.entries(r.profiles)) {
      if (!Array.isArray(diff)) continue;
      out.push([
        `${DIFF_TITLES[name] ?? name} (self time, from the profiles)`,
        ['function', 'µs/req'],
        diff.map((f) => [f.name, fmt(f.usPerRequest, 1)]),
      ]);
    }
  }
  return out;
}

/** The PostgreSQL step's tables: [title, header, rows][] */
function postgresTables(r) {
  const p = r.postgres;
  const c = r.config;
  const { read, logins, prune, fill } = p;
  const loginRow = (name, key, digits = 1) => [
    name,
    fmt(logins.sample[key], digits),
    fmt(logins.pgSample[key], digits),
    fmt(logins.pgLarge[key], digits),
    fmt(logins.pgLarge[key] / logins.pgSample[key], 2),
  ];
  return [
    [
      `GET /auth/me, the sample on Redis and on PostgreSQL, ${c.connections} connections, medians of ${c.pgRounds} alternating rounds of ${c.roundSeconds} s`,
      ['app', 'req/s', 'p50 ms', 'p99 ms', 'app CPU µs/req', 'store queries/read', 'per read'],
      [
        readRow(`sample on Redis (${fmt(c.smallScale)} stored)`, read.redis),
        readRow(`sample on PostgreSQL (${fmt(c.smallScale)} stored)`, read.postgres),
        readRow(`sample on PostgreSQL (${fmt(c.scale)} stored)`, read.postgresLarge),
        [
          'PostgreSQL / Redis',
          fmt(p.throughputRatio, 3),
          '',
          '',
          `${fmt(p.cpuRatio, 3)} (Redis / PostgreSQL)`,
          '',
          'medians of per-round ratios',
        ],
        [
          `PostgreSQL ${fmt(c.smallScale)} / ${fmt(c.scale)}`,
          fmt(p.readFactor, 3),
          '',
          '',
          '',
          '',
          'the same rounds',
        ],
      ],
    ],
    [
      `POST /auth/login, ${c.pgLogins} sequential logins on each, taking turns (other sessions stored: ${fmt(c.smallScale)} on Redis and PostgreSQL 1k, ${fmt(c.scale)} on PostgreSQL 1M)`,
      ['ms', 'Redis 1k', 'PostgreSQL 1k', 'PostgreSQL 1M', 'PostgreSQL 1M / 1k'],
      [
        loginRow('p50', 'median'),
        loginRow('p90', 'p90'),
        loginRow('p95', 'p95'),
        loginRow('max', 'max'),
      ],
    ],
    [
      `Prune: the library's PostgresPruner (batch size ${fmt(prune.batchSize)}) over ${fmt(c.pgExpired)} expired sessions beside ${fmt(c.scale)} live ones`,
      ['measure', 'value'],
      [
        [
          'batches (sessions table)',
          `${fmt(prune.batches)} in ${fmt(prune.passes)} passes, ${fmt(prune.rows)} rows`,
        ],
        ['ms per full batch, median', fmt(prune.medianMs, 1)],
        ['ms per full batch, p95', fmt(prune.p95Ms, 1)],
        [
          'ms per full batch, first / last / max',
          `${fmt(prune.firstMs, 1)} / ${fmt(prune.lastMs, 1)} / ${fmt(prune.maxMs, 1)}`,
        ],
        ['rows deleted per second (in the batches)', fmt(prune.rowsPerSecond)],
        ['wall time of the passes', `${fmt(prune.wallMs)} ms`],
      ],
    ],
    [
      'Set-up (one INSERT ... SELECT generate_series per side, sessions and their per-user index rows)',
      ['measure', 'value'],
      [
        [
          `insert ${fmt(c.smallScale)} / ${fmt(c.scale)}`,
          `${fmt(fill.smallMs)} ms / ${fmt(fill.largeMs)} ms`,
        ],
        ['VACUUM ANALYZE after the inserts', `${fmt(fill.vacuumMs)} ms`],
        [
          `table sizes at ${fmt(c.scale)} (with indexes)`,
          `sessions ${mib(fill.largeBytes.sessions)}, sessions_users ${mib(fill.largeBytes.users)}`,
        ],
      ],
    ],
    targetsTable(p.targets),
  ];
}

function textTables(list) {
  const lines = [];
  for (const [title, header, rows] of list) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells) =>
      cells
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd();
    lines.push('', title, line(header), widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) lines.push(line(row));
  }
  return lines;
}

function printReport(r) {
  const lines = [
    '',
    `nest-session-kit bench, ${r.date}`,
    machineLine(r.machine),
    `CPUs: ${r.cpuPinning}`,
    `baseline login median ${fmt(r.scale.logins.baseline.median, 1)} ms (argon2id verify, as the sample)`,
    ...textTables(tables(r)),
  ];
  if (Object.values(r.relogins).some(Boolean)) {
    lines.push('', `re-logins between rounds (${RELOGIN_WHY}): ${JSON.stringify(r.relogins)}`);
  }
  console.log(lines.join('\n'));
}

function printPostgresReport(r) {
  const p = r.postgres;
  const lines = [
    '',
    `nest-session-kit bench, PostgreSQL step, ${r.date} (${p.seconds} s)`,
    `${machineLine(r.machine)}; ${loadLine(p.loadAverage)}`,
    `PostgreSQL ${p.version}: ${p.server}; CPUs: ${r.cpuPinning}`,
    ...textTables(postgresTables(r)),
  ];
  console.log(lines.join('\n'));
}

function machineLine(m) {
  const pg = m.postgres ? `, PostgreSQL ${m.postgres.split(' ')[0]}` : '';
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, Redis ${m.redis}${pg}`;
}

const loadLine = (l) =>
  `load average (1/5/15 min) ${l.before.map((n) => fmt(n, 2)).join(' / ')} before the step, ` +
  `${l.after.map((n) => fmt(n, 2)).join(' / ')} after`;

function markdownTables(list) {
  const escape = (cell) => cell.replace(/\|/g, '\\|');
  const parts = [];
  for (const [title, header, rows] of list) {
    parts.push('', `**${title}**`, '');
    parts.push(`| ${header.map(escape).join(' | ')} |`);
    parts.push(`| ${header.map(() => '---').join(' | ')} |`);
    for (const row of rows) parts.push(`| ${row.map(escape).join(' | ')} |`);
  }
  return parts;
}

function markdown(r) {
  const parts = [
    `Last run: ${r.date.slice(0, 10)} (${r.durationSeconds} s), \`npm run bench\`.`,
    '',
    `Machine: ${machineLine(r.machine)}.`,
    '',
    `CPUs: ${r.cpuPinning}.`,
    ...(r.machine.loadAverage
      ? [
          '',
          `Load average (1/5/15 min) at the end: ${r.machine.loadAverage.map((n) => fmt(n, 2)).join(' / ')} (a 2-core machine shared with other jobs).`,
        ]
      : []),
    ...markdownTables(tables(r)),
  ];
  if (Object.values(r.relogins).some(Boolean)) {
    parts.push('', `Re-logins between rounds (${RELOGIN_WHY}): ${JSON.stringify(r.relogins)}.`);
  }
  return parts.join('\n');
}

/** Replaces the results block of BENCHMARKS.md (between the markers) and formats the file. */
function updateBenchmarksMd(file, r) {
  return writeMarkedBlock(file, START, END, '## Latest results', markdown(r));
}

function postgresMarkdown(r) {
  const p = r.postgres;
  const command = r.only === 'postgres' ? 'BENCH_ONLY=postgres npm run bench' : 'npm run bench';
  return [
    `Last run: ${r.date.slice(0, 10)} (the step took ${p.seconds} s), \`${command}\`.`,
    '',
    `Machine: ${machineLine(r.machine)}; shared with other jobs, ${loadLine(p.loadAverage)}.`,
    '',
    `PostgreSQL ${p.version}: ${p.server}. CPUs: ${r.cpuPinning}.`,
    ...markdownTables(postgresTables(r)),
  ].join('\n');
}

/** Replaces the PostgreSQL block of BENCHMARKS.md (between its markers) and formats the file. */
function updatePostgresMd(file, r) {
  return writeMarkedBlock(file, PG_START, PG_END, '## PostgreSQL results', postgresMarkdown(r));
}

/**
 * Replaces what sits between the `start` and `end` markers of the Markdown file with `body` (or
 * appends `heading` and the marked block when the markers are missing), then formats the file.
 */
async function writeMarkedBlock(file, start, end, heading, body) {
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const block = `${start}\n\n${body}\n\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) {
    text = text.slice(0, from) + block + text.slice(to + end.length);
  } else {
    text = `${text.trimEnd() || '# Benchmarks'}\n\n${heading}\n\n${block}\n`;
  }
  try {
    const prettier = require('prettier');
    const options = (await prettier.resolveConfig(file)) || {};
    text = await prettier.format(text, { ...options, filepath: file });
  } catch {
    // prettier is a devDependency; unformatted Markdown is still correct Markdown.
  }
  fs.writeFileSync(file, text);
}

module.exports = {
  printReport,
  printPostgresReport,
  updateBenchmarksMd,
  updatePostgresMd,
  writeMarkedBlock,
  fmt,
  mib,
};
