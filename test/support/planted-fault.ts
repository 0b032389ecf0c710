/**
 * Preloaded into an API process by a test (`--import`): on SIGUSR2 one error escapes every
 * handler — thrown, or a rejected promise, as PLANTED_FAULT says — to see what the process does then.
 */
process.on('SIGUSR2', () => {
  setImmediate(() => {
    if (process.env.PLANTED_FAULT === 'rejection') void Promise.reject(new Error('planted rejection'));
    else throw new Error('planted exception');
  });
});
