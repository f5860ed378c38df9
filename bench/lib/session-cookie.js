'use strict';

/** The cookie part of a stored session, as express-session serializes a browser-session cookie. */
function storedSessionCookie() {
  return {
    originalMaxAge: null,
    expires: null,
    secure: false,
    httpOnly: true,
    path: '/',
    sameSite: 'lax',
  };
}

module.exports = { storedSessionCookie };
