import { SessionConfigurationError } from './errors';

const NOT_FOUND = new Set(['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND']);

/**
 * @internal Loads an optional peer dependency when the feature that needs it is configured, and
 * fails with a one-line install hint naming the package when it is not installed.
 */
export async function loadOptionalDependency<T>(
  name: string,
  feature: string,
  option = 'store',
): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (err) {
    if (isMissing(err, name)) {
      throw new SessionConfigurationError(
        option,
        `${feature} needs the "${name}" package, which is not installed: npm install ${name}`,
      );
    }
    throw err;
  }
}

function isMissing(err: unknown, name: string): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return (
    typeof code === 'string' &&
    NOT_FOUND.has(code) &&
    typeof message === 'string' &&
    message.includes(`'${name}'`)
  );
}
