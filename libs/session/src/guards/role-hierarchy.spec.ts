import { RoleHierarchy } from './role-hierarchy';
import { DEFAULT_ROLE_HIERARCHY } from '../session.options';

describe('RoleHierarchy', () => {
  const hierarchy = new RoleHierarchy(DEFAULT_ROLE_HIERARCHY);

  it('is user < moderator < admin < superadmin by default', () => {
    expect(DEFAULT_ROLE_HIERARCHY).toEqual(['user', 'moderator', 'admin', 'superadmin']);
  });

  it.each([
    ['user', 'user', true],
    ['moderator', 'user', true],
    ['admin', 'user', true],
    ['admin', 'moderator', true],
    ['superadmin', 'admin', true],
    ['superadmin', 'user', true],
    ['user', 'moderator', false],
    ['moderator', 'admin', false],
    ['admin', 'superadmin', false],
  ])('%s includes %s: %s', (held, required, expected) => {
    expect(hierarchy.includes(held, required)).toBe(expected);
  });

  it('matches roles outside the hierarchy only exactly', () => {
    expect(hierarchy.includes('billing', 'billing')).toBe(true);
    expect(hierarchy.includes('superadmin', 'billing')).toBe(false);
    expect(hierarchy.includes('billing', 'user')).toBe(false);
    expect(hierarchy.includes('billing', 'auditor')).toBe(false);
  });

  it('satisfiesAny: any held role satisfying any required role', () => {
    expect(hierarchy.satisfiesAny(['billing', 'moderator'], ['admin', 'user'])).toBe(true);
    expect(hierarchy.satisfiesAny(['billing', 'user'], ['admin', 'billing'])).toBe(true);
    expect(hierarchy.satisfiesAny(['user'], ['admin', 'moderator'])).toBe(false);
    expect(hierarchy.satisfiesAny([], ['user'])).toBe(false);
    expect(hierarchy.satisfiesAny(['admin'], [])).toBe(false);
  });

  it('atLeast lists the role and every role above it', () => {
    expect(hierarchy.atLeast('moderator')).toEqual(['moderator', 'admin', 'superadmin']);
    expect(hierarchy.atLeast('superadmin')).toEqual(['superadmin']);
    expect(hierarchy.atLeast('billing')).toEqual(['billing']);
  });

  it('follows a custom order', () => {
    const custom = new RoleHierarchy(['reader', 'writer', 'owner']);
    expect(custom.includes('owner', 'reader')).toBe(true);
    expect(custom.includes('writer', 'owner')).toBe(false);
    expect(custom.includes('admin', 'user')).toBe(false);
  });

  it('does not treat Object.prototype names as ranked roles', () => {
    expect(hierarchy.includes('constructor', 'user')).toBe(false);
    expect(hierarchy.includes('__proto__', 'user')).toBe(false);
  });
});
