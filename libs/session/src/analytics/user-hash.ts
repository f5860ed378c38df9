import { createHash } from 'node:crypto';

/** What analytics keeps of a user id: a short hash, so figures never hold the id itself. */
export function userHashOf(userId: string): string {
  return createHash('sha256').update(userId).digest('base64url').slice(0, 22);
}
