import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SessionHealthService } from 'nest-session-kit';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: SessionHealthService) {}

  @Get()
  async check(@Res({ passthrough: true }) res: Response) {
    const store = await this.health.check();
    if (store.status === 'up') return { status: 'ok', store: { status: 'up' } };
    res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      code: 'SESSION_STORE_UNAVAILABLE',
      message: 'The session store is unavailable',
      status: 'error',
      store: { status: 'down' },
    };
  }
}
