import { describe, expect, it } from 'vitest';
import type { LatchkeyStore } from '../stores/contract.js';
import { RpEnrolment } from './rp-enrolment.js';

/** A store whose answer the test sets, counting the questions. */
function answering() {
  const state = { has: false, asked: 0 };
  const store = {
    async hasActiveCredentialForRpId() {
      state.asked += 1;
      return state.has;
    },
  } as unknown as LatchkeyStore;
  return { store, state };
}

describe('RpEnrolment', () => {
  it('asks the store every time while the RP ID has no passkey', async () => {
    const { store, state } = answering();
    const enrolment = new RpEnrolment(store, () => 0);
    expect(await enrolment.hasPasskeys('example.com')).toBe(false);
    expect(await enrolment.hasPasskeys('example.com')).toBe(false);
    expect(state.asked).toBe(2);
    // The first enrolment is seen on the very next question.
    state.has = true;
    expect(await enrolment.hasPasskeys('example.com')).toBe(true);
  });

  it('remembers a yes for five seconds, then asks again', async () => {
    const { store, state } = answering();
    const clock = { now: 0 };
    const enrolment = new RpEnrolment(store, () => clock.now);
    state.has = true;
    expect(await enrolment.hasPasskeys('example.com')).toBe(true);
    state.has = false; // the last passkey went: grace may come back, a little later
    clock.now = 4_999;
    expect(await enrolment.hasPasskeys('example.com')).toBe(true);
    expect(state.asked).toBe(1);
    clock.now = 5_000;
    expect(await enrolment.hasPasskeys('example.com')).toBe(false);
    expect(state.asked).toBe(2);
    // Another RP ID is its own question.
    expect(await enrolment.hasPasskeys('other.example')).toBe(false);
    expect(state.asked).toBe(3);
  });
});
