const { dropTestDatabase } = require('./postgres-database');

module.exports = async function globalTeardown() {
  await dropTestDatabase();
};
