import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DEMO_USERS } from './demo-users';
import { PasswordHasher } from './password-hasher';

/** A user as the rest of the app sees it: never with its password hash. */
export interface PublicUser {
  id: string;
  email: string;
  roles: string[];
  mfaEnabled: boolean;
  displayName?: string;
}

interface StoredUser extends PublicUser {
  passwordHash: string;
  mfaSecret?: string;
}

/** The in-memory user store, seeded with the demo users. Hashes never leave it. */
@Injectable()
export class UsersRepository implements OnModuleInit {
  private readonly users = new Map<string, StoredUser>();
  private dummyHash = '';

  constructor(private readonly hasher: PasswordHasher) {}

  async onModuleInit(): Promise<void> {
    const seeded = await Promise.all(
      DEMO_USERS.map(async ({ password, mfaSecret, ...user }) => ({
        ...user,
        mfaSecret,
        mfaEnabled: mfaSecret !== undefined,
        passwordHash: await this.hasher.hash(password),
      })),
    );
    for (const user of seeded) this.users.set(user.id, user);
    this.dummyHash = await this.hasher.hash('dummy-password-for-unknown-emails');
  }

  list(): PublicUser[] {
    return [...this.users.values()].map(toPublic);
  }

  findById(id: string): PublicUser | undefined {
    const user = this.users.get(id);
    return user && toPublic(user);
  }

  /** The user whose email and password match; unknown emails cost a hash check too. */
  async verifyCredentials(email: string, password: string): Promise<PublicUser | undefined> {
    const user = this.findStoredByEmail(email);
    const ok = await this.hasher.verify(user?.passwordHash ?? this.dummyHash, password);
    return ok && user ? toPublic(user) : undefined;
  }

  async verifyPassword(id: string, password: string): Promise<boolean> {
    const user = this.users.get(id);
    return this.hasher.verify(user?.passwordHash ?? this.dummyHash, password);
  }

  async changePassword(id: string, newPassword: string): Promise<void> {
    const user = this.users.get(id);
    if (user) user.passwordHash = await this.hasher.hash(newPassword);
  }

  mfaSecretOf(id: string): string | undefined {
    return this.users.get(id)?.mfaSecret;
  }

  setRoles(id: string, roles: string[]): PublicUser | undefined {
    const user = this.users.get(id);
    if (!user) return undefined;
    user.roles = [...roles];
    return toPublic(user);
  }

  setDisplayName(id: string, displayName: string): void {
    const user = this.users.get(id);
    if (user) user.displayName = displayName;
  }

  private findStoredByEmail(email: string): StoredUser | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return undefined;
  }
}

function toPublic({ passwordHash: _hash, mfaSecret: _secret, ...user }: StoredUser): PublicUser {
  return { ...user, roles: [...user.roles] };
}
