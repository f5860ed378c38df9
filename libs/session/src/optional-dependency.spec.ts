import { SessionConfigurationError } from './errors';
import { loadOptionalDependency } from './optional-dependency';

describe('loadOptionalDependency', () => {
  it('loads an installed package when asked', async () => {
    const crypto = await loadOptionalDependency<typeof import('node:crypto')>(
      'node:crypto',
      'the test',
    );
    expect(typeof crypto.randomUUID).toBe('function');
  });

  it('fails with a one-line install hint naming a package that is not installed', async () => {
    const loading = loadOptionalDependency('nsk-not-installed-package', 'the Redis store');
    await expect(loading).rejects.toBeInstanceOf(SessionConfigurationError);
    await expect(loading).rejects.toThrow(
      'the Redis store needs the "nsk-not-installed-package" package, which is not installed: ' +
        'npm install nsk-not-installed-package',
    );
    await expect(loading).rejects.toMatchObject({ option: 'store' });
  });
});
