// Every test file: a test during which an editor in a test page failed to draw a change
// fails (test/e2e/draw-failure-log.ts says why the page alone would not show it).
import { afterEach, expect } from 'vitest';
import { takeDrawFailures } from './e2e/draw-failure-log.ts';

afterEach(() => {
  expect(takeDrawFailures(), 'changes an editor failed to draw').toEqual([]);
});
