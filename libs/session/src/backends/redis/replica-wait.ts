import type { Logger } from '@nestjs/common';
import { OutageLog } from '../outage-log';
import type { RedisCommands } from './redis-client';

/**
 * After a WAIT that timed out (no replica: none configured, or one being promoted), skip waiting
 * this long, so a deployment without replicas pays the timeout on one login in this many ms.
 */
const BACK_OFF_MS = 30_000;

/**
 * Makes a login's writes durable before the login is answered: Redis `WAIT 1 <timeout>` on the
 * node of each key the login wrote, so that a master that dies right after cannot take an
 * acknowledged login with it (replication is asynchronous). On a cluster or Sentinel (where
 * replicas are the point); bounded by `timeoutMs`, after which the login is answered anyway, a
 * warning is logged and waiting pauses for a while.
 */
export class ReplicaWait {
  private pausedUntil = 0;
  private readonly log: OutageLog;

  constructor(
    private readonly commands: RedisCommands,
    private readonly timeoutMs: number,
    logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.log = new OutageLog({ error: (message: string) => logger.warn(message) });
  }

  async after(keys: string[]): Promise<void> {
    if (this.commands.kind === 'standalone' || this.now() < this.pausedUntil) return;
    const acknowledged = await Promise.all(
      [...new Set(keys)].map((key) =>
        this.commands
          .send<number>(key, ['WAIT', '1', String(this.timeoutMs)])
          .then(Number, () => 0),
      ),
    );
    if (acknowledged.every((replicas) => replicas >= 1)) return;
    this.pausedUntil = this.now() + BACK_OFF_MS;
    this.log.report(
      'Redis login not yet on a replica',
      `no replica acknowledged within ${this.timeoutMs} ms (not waiting for ${BACK_OFF_MS} ms)`,
    );
  }
}
