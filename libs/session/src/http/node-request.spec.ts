import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Request } from 'express';
import {
  clearCookie,
  headerOf,
  isRouted,
  markRouted,
  nodeRequestOf,
  nodeResponseOf,
} from './node-request';

function nodeRequest(headers: Record<string, string> = {}): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  return req;
}

describe('the Node.js request behind either platform', () => {
  it("is Fastify's `.raw`, and Express' request itself", () => {
    const raw = nodeRequest();
    expect(nodeRequestOf({ raw })).toBe(raw);
    const express = raw as unknown as Request;
    expect(nodeRequestOf(express)).toBe(express);
    const res = new ServerResponse(raw);
    expect(nodeResponseOf({ raw: res })).toBe(res);
  });

  it("reads headers as Express' req.get does, on Fastify's request too", () => {
    const raw = nodeRequest({ 'x-csrf-token': 't', referer: 'https://a.example/' });
    expect(headerOf({ raw }, 'X-CSRF-Token')).toBe('t');
    expect(headerOf({ raw }, 'referrer')).toBe('https://a.example/');
    expect(headerOf({ raw }, 'origin')).toBeUndefined();
  });

  it('knows a Fastify request that matched a route', () => {
    const raw = nodeRequest();
    expect(isRouted({ raw })).toBe(false);
    markRouted(raw);
    expect(isRouted({ raw })).toBe(true);
  });

  it('clears a cookie without Express, next to the cookies already set', () => {
    const res = new ServerResponse(nodeRequest()) as unknown as Parameters<typeof clearCookie>[0];
    res.setHeader('Set-Cookie', ['other=1; Path=/']);
    clearCookie(res, '__Host-sid', {
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
    });
    expect(res.getHeader('set-cookie')).toEqual([
      'other=1; Path=/',
      '__Host-sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    ]);
  });
});
