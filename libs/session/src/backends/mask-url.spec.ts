import { maskUrlPassword } from './mask-url';

describe('maskUrlPassword', () => {
  it('masks the password of Redis and PostgreSQL URLs, and keeps the rest', () => {
    expect(maskUrlPassword('redis://:s3cret@h:6379/0')).toBe('redis://:***@h:6379/0');
    expect(maskUrlPassword('postgres://app:s3cret@db:5432/app')).toBe(
      'postgres://app:***@db:5432/app',
    );
    expect(maskUrlPassword('postgres://db:5432/app')).toBe('postgres://db:5432/app');
  });

  it('never echoes what it cannot parse', () => {
    expect(maskUrlPassword('not a url with s3cret')).toBe('<invalid url>');
  });
});
