// The browser tests drive Debian's Chromium and the e2e suites' Redis: say so loudly when one is missing.
const { accessSync, constants, rmSync } = require('node:fs');
const path = require('node:path');
const redisSetup = require('../../support/global-setup.js');

module.exports = async function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    accessSync(chromium, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${chromium}: install Debian's package (apt-get install chromium), as .ci/run does`,
    );
  }
  await redisSetup();
  // Each run leaves its own screenshots and step log.
  rmSync(path.join(process.cwd(), 'test-artifacts', 'browser'), { recursive: true, force: true });
};
