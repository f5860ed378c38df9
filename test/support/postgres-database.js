// The e2e suites' private PostgreSQL database: created fresh by the global setup (its URL passed
// to every worker as TEST_DATABASE_URL), dropped by the global teardown.
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');

const ADMIN_URL = process.env.POSTGRES_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdmin(work) {
  const client = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL unreachable at ${ADMIN_URL}: ${err.message} (run scripts/ensure-postgres.sh, or set POSTGRES_ADMIN_URL)`,
      { cause: err },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createTestDatabase() {
  if (process.env.TEST_DATABASE_NAME) return; // one database for every project of the run
  const name = `nsk_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  process.env.TEST_DATABASE_URL = url.toString();
  process.env.TEST_DATABASE_NAME = name;
}

async function dropTestDatabase() {
  const name = process.env.TEST_DATABASE_NAME;
  if (!name) return;
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

module.exports = { createTestDatabase, dropTestDatabase };
