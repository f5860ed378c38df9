'use strict';

/*
 * What the bench's reference apps share: the one demo user (argon2id with the sample's
 * parameters) and the routes of an AuthController with `login(req, body)` and `me(req)`, its
 * decorators applied by hand (what TypeScript's emitted `__decorate` calls do).
 */
const { Body, Controller, Get, HttpCode, Post, Req, UseGuards } = require('@nestjs/common');
const { Algorithm, hash, verify } = require('@node-rs/argon2');

const DEMO_EMAIL = 'user@example.com';
const DEMO_PASSWORD = 'user-password-1';
const DEMO_USER = { id: 'u1', email: DEMO_EMAIL, roles: ['user'] };

let demoPasswordHash;

function hashDemoPassword() {
  demoPasswordHash ??= hash(DEMO_PASSWORD, {
    algorithm: Algorithm.Argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  return demoPasswordHash;
}

/** Whether a login body names the demo user with the right password. */
async function isDemoLogin(body) {
  return Boolean(
    body &&
    body.email === DEMO_EMAIL &&
    typeof body.password === 'string' &&
    (await verify(await hashDemoPassword(), body.password)),
  );
}

/** `POST /auth/login` (200) and `GET /auth/me` behind `guard`, on `controller`. */
function decorateAuthController(controller, guard) {
  const method = (key, decorators) => {
    const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, key);
    for (const decorate of decorators) decorate(controller.prototype, key, descriptor);
  };
  method('login', [Post('login'), HttpCode(200)]);
  Req()(controller.prototype, 'login', 0);
  Body()(controller.prototype, 'login', 1);
  method('me', [Get('me'), UseGuards(guard)]);
  Req()(controller.prototype, 'me', 0);
  Controller('auth')(controller);
}

module.exports = { DEMO_USER, hashDemoPassword, isDemoLogin, decorateAuthController };
