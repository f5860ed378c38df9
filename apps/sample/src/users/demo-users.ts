/** The demo users of SAMPLE-API.md. Plain passwords live only here, to be hashed at start-up. */
export interface DemoUser {
  id: string;
  email: string;
  password: string;
  roles: string[];
  mfaSecret?: string;
}

export const DEMO_USERS: DemoUser[] = [
  { id: 'u-user', email: 'user@example.com', password: 'user-password-1', roles: ['user'] },
  { id: 'u-alice', email: 'alice@example.com', password: 'alice-password-1', roles: ['user'] },
  { id: 'u-bob', email: 'bob@example.com', password: 'bob-password-1', roles: ['user'] },
  {
    id: 'u-moderator',
    email: 'moderator@example.com',
    password: 'moderator-password-1',
    roles: ['moderator'],
  },
  { id: 'u-admin', email: 'admin@example.com', password: 'admin-password-1', roles: ['admin'] },
  {
    id: 'u-superadmin',
    email: 'superadmin@example.com',
    password: 'superadmin-password-1',
    roles: ['superadmin'],
  },
  {
    id: 'u-mfa',
    email: 'mfa@example.com',
    password: 'mfa-password-1',
    roles: ['user'],
    mfaSecret: 'JBSWY3DPEHPK3PXP',
  },
];
