'use strict';
// Writes every ```ts / ```typescript block of the given Markdown files to its own module file in
// <outDir> (block-<file>-<n>.ts), for tsc to type-check. Usage: node readme-blocks.js <outDir> <md...>
const fs = require('node:fs');
const path = require('node:path');

const [outDir, ...files] = process.argv.slice(2);
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
let total = 0;
for (const [index, file] of files.entries()) {
  const text = fs.readFileSync(file, 'utf8');
  const label = `readme${index + 1}`;
  const fence = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```\s*$/gm;
  let match;
  let n = 0;
  while ((match = fence.exec(text))) {
    n += 1;
    const line = text.slice(0, match.index).split('\n').length;
    // A block that augments a module must make itself a module (the README says how); others
    // are made modules here, so that blocks do not share one global scope.
    const tail = /declare module/.test(match[1]) ? '' : '\nexport {};\n';
    const body = `// ${file}, line ${line}\n${match[1]}${tail}`;
    fs.writeFileSync(path.join(outDir, `block-${label}-${n}.ts`), body);
  }
  total += n;
}
process.stdout.write(`${total} TypeScript blocks from ${files.length} files\n`);
