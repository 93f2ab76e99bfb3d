import { vi } from 'vitest';

/**
 * Fakes the timers from here on, but lets them run with real time, so the rest
 * of the test (Testing Library's `waitFor`, the fake authenticator's answers)
 * runs as usual. `leap(ms)` then runs at once every timer due in the next `ms`:
 * a test shows that something never happens again by leaping past every timer
 * that could do it, instead of sleeping. The setup file restores real timers
 * after each test.
 *
 * @example
 * const clock = installFakeClock();
 * await user.click(screen.getByRole('button', { name: 'Cancel' }));
 * await clock.leap(60_000);
 * expect(server.routeNames()).not.toContain('pairingStatus');
 */
export function installFakeClock(): { leap(ms: number): Promise<void> } {
  vi.useFakeTimers({
    shouldAdvanceTime: true,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
  });
  return {
    async leap(ms) {
      await vi.advanceTimersByTimeAsync(ms);
    },
  };
}
