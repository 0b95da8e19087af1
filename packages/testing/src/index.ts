/** @kubestats/testing: builders, a fake clock, a recording sink and contract suites for kubestats plugins. */
export { FakeClock, flushMicrotasks } from './fake-clock.js';
