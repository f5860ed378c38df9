/**
 * Roles ordered from lowest to highest: a role includes every role below it. Roles outside the
 * hierarchy match only themselves.
 */
export class RoleHierarchy {
  private readonly rank: Map<string, number>;

  constructor(ordered: readonly string[]) {
    this.rank = new Map(ordered.map((role, index) => [role, index]));
  }

  /** Whether a holder of `held` may act as `required`. */
  includes(held: string, required: string): boolean {
    if (held === required) return true;
    const heldRank = this.rank.get(held);
    const requiredRank = this.rank.get(required);
    return heldRank !== undefined && requiredRank !== undefined && heldRank >= requiredRank;
  }

  /** Whether any held role satisfies any required role. */
  satisfiesAny(held: readonly string[], required: readonly string[]): boolean {
    return required.some((need) => held.some((role) => this.includes(role, need)));
  }

  /** The given role and every role above it. */
  atLeast(role: string): string[] {
    const rank = this.rank.get(role);
    if (rank === undefined) return [role];
    return [...this.rank].filter(([, r]) => r >= rank).map(([name]) => name);
  }
}
