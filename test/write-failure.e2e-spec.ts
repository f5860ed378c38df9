import type { Server } from 'node:http';
import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import request from 'supertest';
import { MemorySessionStore } from 'nest-session-kit';
import { createLibraryApp } from './support/library-app';

declare module 'express-session' {
  interface SessionData {
    note?: string;
  }
}

/** A memory store whose writes to existing sessions fail while `failing` is set. */
class FlakyStore extends MemorySessionStore {
  failing = false;

  protected override async compareAndSwap(sid: string, expected: string, next: string) {
    if (this.failing) throw new Error('disk on fire');
    return super.compareAndSwap(sid, expected, next);
  }
}

@Controller()
class NoteController {
  @Post('note')
  write(@Req() req: Request, @Body() body: { note: string }) {
    req.session.note = body.note;
    return { saved: body.note };
  }

  @Get('note')
  read(@Req() req: Request) {
    return { note: req.session.note ?? null };
  }
}

describe('a session write that fails', () => {
  let app: INestApplication;
  let store: FlakyStore;

  beforeEach(async () => {
    store = new FlakyStore({ maxSessions: 100, ttlSeconds: 60 });
    app = await createLibraryApp({ store }, [NoteController]);
  });
  afterEach(async () => {
    await app.close();
    store.close();
  });

  it('answers 503 SESSION_STORE_UNAVAILABLE, never a success whose change was lost', async () => {
    const agent = request.agent(app.getHttpServer() as Server);
    await agent.post('/note').send({ note: 'first' }).expect(201, { saved: 'first' });
    store.failing = true;
    const res = await agent.post('/note').send({ note: 'second' }).expect(503);
    expect(res.body).toEqual({
      statusCode: 503,
      code: 'SESSION_STORE_UNAVAILABLE',
      message: expect.any(String),
    });
    store.failing = false;
    await agent.get('/note').expect(200, { note: 'first' });
    await agent.post('/note').send({ note: 'third' }).expect(201);
    await agent.get('/note').expect(200, { note: 'third' });
  });
});
