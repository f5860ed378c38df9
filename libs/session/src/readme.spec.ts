import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sessionOptionPaths } from './session-options.keys';

const README = readFileSync(path.join(process.cwd(), 'libs/session/README.md'), 'utf8');

/** The text of a `## ` section of the README. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`the README has no "## ${title}" section`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The option named in the first cell of each table row. */
function rowNames(text: string): string[] {
  return [...text.matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1]);
}

describe("the library README (the package's npm page)", () => {
  const paths = sessionOptionPaths();

  it('has a row in the options reference for every option of SessionModuleOptions', () => {
    const documented = new Set(rowNames(section('Options reference')));
    expect(paths.options.filter((option) => !documented.has(option))).toEqual([]);
  });

  it('documents no option that does not exist', () => {
    const known = new Set(paths.options);
    expect(rowNames(section('Options reference')).filter((name) => !known.has(name))).toEqual([]);
  });

  it('names every store option in the stores section', () => {
    const stores = section('Stores');
    expect(paths.store.filter((option) => !stores.includes(`\`${option}\``))).toEqual([]);
  });

  it('has the sections users look for', () => {
    for (const title of [
      'Install',
      'Quick start: the memory store',
      'Redis',
      'Options reference',
      'Stores',
      'CSRF',
      'The typed session',
      'Guards',
      'Login and logout',
      'Testing',
      'Migrating',
      'Compatibility',
      'License',
    ]) {
      expect(() => section(title)).not.toThrow();
    }
  });
});
