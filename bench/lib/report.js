'use strict';

const fs = require('node:fs');

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const fmt = (value, digits = 0) =>
  typeof value === 'number' && Number.isFinite(value)
    ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const RELOGIN_WHY =
  "the bench's session had ended, e.g. evicted by the per-user session limit during the logins";
const verdict = (target) => (target.met ? 'met' : 'MISSED');
const mib = (bytes) => `${fmt(bytes / 2 ** 20, 1)} MiB`;

/** The result tables as rows of cells: [title, header, rows][] */
function tables(r) {
  const { read, scale } = r;
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
    [
      'Targets',
      ['target', 'value', 'verdict'],
      Object.values(r.targets).map((t) => [
        t.target,
        String(t.value),
        t.note ? `${verdict(t)}: ${t.note}` : verdict(t),
      ]),
    ],
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
    out.push([
      'Extra CPU per request in the sample over baseline + headers (self time, from the profiles)',
      ['function', 'µs/req'],
      r.profiles.sampleOverBaselineHeaders.map((f) => [f.name, fmt(f.usPerRequest, 1)]),
    ]);
  }
  return out;
}

function printReport(r) {
  const lines = [
    '',
    `nest-session-kit bench, ${r.date}`,
    machineLine(r.machine),
    `CPUs: ${r.cpuPinning}`,
    `baseline login median ${fmt(r.scale.logins.baseline.median, 1)} ms (argon2id verify, as the sample)`,
  ];
  for (const [title, header, rows] of tables(r)) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells) =>
      cells
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd();
    lines.push('', title, line(header), widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) lines.push(line(row));
  }
  if (Object.values(r.relogins).some(Boolean)) {
    lines.push('', `re-logins between rounds (${RELOGIN_WHY}): ${JSON.stringify(r.relogins)}`);
  }
  console.log(lines.join('\n'));
}

function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, Redis ${m.redis}`;
}

function markdown(r) {
  const escape = (cell) => cell.replace(/\|/g, '\\|');
  const parts = [
    `Last run: ${r.date.slice(0, 10)} (${r.durationSeconds} s), \`npm run bench\`.`,
    '',
    `Machine: ${machineLine(r.machine)}.`,
    '',
    `CPUs: ${r.cpuPinning}.`,
  ];
  for (const [title, header, rows] of tables(r)) {
    parts.push('', `**${title}**`, '');
    parts.push(`| ${header.map(escape).join(' | ')} |`);
    parts.push(`| ${header.map(() => '---').join(' | ')} |`);
    for (const row of rows) parts.push(`| ${row.map(escape).join(' | ')} |`);
  }
  if (Object.values(r.relogins).some(Boolean)) {
    parts.push('', `Re-logins between rounds (${RELOGIN_WHY}): ${JSON.stringify(r.relogins)}.`);
  }
  return parts.join('\n');
}

/** Replaces the results block of BENCHMARKS.md (between the markers) and formats the file. */
function updateBenchmarksMd(file, r) {
  return writeMarkedBlock(file, START, END, '## Latest results', markdown(r));
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

module.exports = { printReport, updateBenchmarksMd, writeMarkedBlock, fmt, mib };
