'use strict';

const crypto = require('node:crypto');

/**
 * Other users' sessions in a schema's tables (the library's names: `sessions` and its per-user
 * index `sessions_users`), shaped like the sample's own stored row, whose jsonb is the template:
 * one user id each, random-looking keys and handles (so the primary keys fill like real ones),
 * expiries spread over the second half of the sample's TTL. Each fill is one
 * `INSERT ... SELECT generate_series` statement (a CTE writes the index rows with the sessions).
 */
async function postgresSessionWriter(client, templateSchema) {
  const t = tablesOf(templateSchema);
  const { rows } = await client.query(
    `SELECT s.sess,
            extract(epoch FROM s.expires_at - now())::float8 AS ttl,
            (SELECT extract(epoch FROM u.expires_at - now())::float8 FROM ${t.users} u
              WHERE u.entry->>'sid' = s.session_key) AS index_ttl
     FROM ${t.sessions} s ORDER BY s.expires_at DESC LIMIT 1`,
  );
  if (rows.length === 0) throw new Error(`no session stored in ${templateSchema} to copy`);
  const template = rows[0].sess;
  const now = Date.now();
  delete template.user;
  if (template.auth) {
    Object.assign(template.auth, {
      createdAt: now,
      authenticatedAt: now,
      lastActivityAt: now,
      rotatedAt: now,
      ip: '203.0.113.7',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    });
  }
  const ttl = rows[0].ttl > 60 ? rows[0].ttl : 3600;
  const indexTtl = rows[0].index_ttl > ttl ? rows[0].index_ttl : ttl;
  const tag = crypto.randomBytes(6).toString('base64url');
  const written = new Map(); // schema -> sessions written there

  /** Rows `from + 1 .. to`: live ones (with index rows) or, with `expired`, past their expiry. */
  const insert = async (schema, from, to, expired) => {
    const { sessions, users } = tablesOf(schema);
    const started = Date.now();
    const rowsCte = `rows AS (
         SELECT i,
                'h:' || rtrim(translate(encode(sha256(convert_to($2 || i, 'UTF8')), 'base64'), '+/', '-_'), '=') AS key,
                left(md5($2 || 'handle' || i), 22) AS handle,
                'u-other-' || i AS user_id
         FROM generate_series($3::int, $4::int) AS i)`;
    const sess = `$1::jsonb || jsonb_build_object(
                   'user', jsonb_build_object('id', user_id, 'email', user_id || '@example.com', 'roles', '["user"]'::jsonb),
                   'auth', coalesce($1::jsonb->'auth', '{}'::jsonb) || jsonb_build_object('handle', handle))`;
    const values = [JSON.stringify(template), `${tag}${expired ? 'x' : ''}`, from + 1, to];
    if (expired) {
      await client.query(
        `WITH ${rowsCte}
         INSERT INTO ${sessions} (session_key, sess, expires_at)
         SELECT key, ${sess}, now() - (1 + 3600 * random()) * interval '1 second' FROM rows`,
        values,
      );
    } else {
      await client.query(
        `WITH ${rowsCte}, stored AS (
           INSERT INTO ${sessions} (session_key, sess, expires_at)
           SELECT key, ${sess}, now() + $5::float8 * (0.5 + 0.5 * random()) * interval '1 second'
           FROM rows
         )
         INSERT INTO ${users} (user_id, handle, entry, expires_at)
         SELECT user_id, handle,
                jsonb_build_object('sid', key, 'handle', handle, 'createdAt', $7::bigint),
                now() + $6::float8 * interval '1 second'
         FROM rows`,
        [...values, ttl, indexTtl, now],
      );
    }
    return Date.now() - started;
  };

  return {
    /** Brings the other sessions in `schema` up to `total`; resolves the ms it took. */
    async fill(schema, total) {
      const from = written.get(schema) ?? 0;
      const ms = await insert(schema, from, total, false);
      written.set(schema, total);
      return ms;
    },
    /** Adds `count` sessions already past their expiry to `schema` (for the pruner). */
    expired(schema, count) {
      return insert(schema, 0, count, true);
    },
    /** VACUUM ANALYZE of the schema's two tables, as autovacuum would after a bulk insert. */
    async vacuum(schema) {
      const { sessions, users } = tablesOf(schema);
      const started = Date.now();
      await client.query(`VACUUM (ANALYZE) ${sessions}, ${users}`);
      return Date.now() - started;
    },
  };
}

/** The schema's tables, by the library's default names (`sessions`, `sessions_users`), quoted. */
function tablesOf(schema) {
  const quote = (name) => `"${name.replace(/"/g, '""')}"`;
  const q = (name) => `${quote(schema)}.${quote(name)}`;
  return { sessions: q('sessions'), users: q('sessions_users') };
}

module.exports = { postgresSessionWriter };
