// Retry a promise-returning function with exponential backoff.
'use strict';

const DEFAULT_DELAY_MS = 200;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const isRetryable = (error) => /ECONNRESET|ETIMEDOUT/.test(error.code) || error.status >= 500;

async function withRetry(fn, { attempts = 3, delay = DEFAULT_DELAY_MS } = {}) {
  let lastError;
  for (let i = 0; i < attempts; i += 1) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      if (!isRetryable(error)) throw error;
      await sleep(delay * 2 ** i);
    }
  }
  throw new Error(`gave up after ${attempts} attempts: ${lastError.message}`);
}

class Backoff {
  next(attempt) {
    return DEFAULT_DELAY_MS * 2 ** attempt;
  }
}

module.exports = { withRetry, Backoff };
