'use strict';

/*
 * Jest (30, on Node 20) cannot require() an ES module, and @fastify/static 10 (which Swagger
 * needs on Fastify) requires content-disposition 3, which ships as one. This is its `create` for
 * the suites only (jest.config.js maps the name here): a Content-Disposition header with the
 * ASCII filename and, when the name is not plain ASCII, its UTF-8 form (RFC 6266, RFC 8187).
 * The app itself, run by node, loads the real package.
 */
function create(filename, options = {}) {
  const type = options.type || 'attachment';
  if (filename === undefined) return type;
  const name = String(filename).split(/[\\/]/).pop();
  const ascii = name.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&');
  let header = `${type}; filename="${ascii}"`;
  if (ascii !== name) header += `; filename*=UTF-8''${encodeURIComponent(name)}`;
  return header;
}

// Callable as content-disposition 2 is (Express), with `create` as 3 has it (@fastify/static).
module.exports = create;
module.exports.create = create;
