import { describe, expect, it, vi } from 'vitest';
import {
  dismissPairPrompt,
  isPairPromptDismissed,
  resetPairPromptDismissal,
  subscribePairPromptDismissal,
} from './pair-prompt-dismissal.js';

describe('pair prompt dismissal', () => {
  it('is kept per RP ID', () => {
    dismissPairPrompt('alice.ts.net');
    expect(isPairPromptDismissed('alice.ts.net')).toBe(true);
    expect(isPairPromptDismissed('example.com')).toBe(false);
  });

  it('resets one RP ID, or all of them', () => {
    dismissPairPrompt('a.example');
    dismissPairPrompt('b.example');
    localStorage.setItem('unrelated', 'kept');
    resetPairPromptDismissal('a.example');
    expect(isPairPromptDismissed('a.example')).toBe(false);
    expect(isPairPromptDismissed('b.example')).toBe(true);
    resetPairPromptDismissal();
    expect(isPairPromptDismissed('b.example')).toBe(false);
    expect(localStorage.getItem('unrelated')).toBe('kept');
  });

  it('notifies subscribers of changes here and in other tabs', () => {
    const listener = vi.fn();
    const stop = subscribePairPromptDismissal(listener);
    dismissPairPrompt('a.example');
    resetPairPromptDismissal('a.example');
    window.dispatchEvent(
      new StorageEvent('storage', { key: 'latchkey:pair-prompt-dismissed:a.example' }),
    );
    window.dispatchEvent(new StorageEvent('storage', { key: 'something-else' }));
    expect(listener).toHaveBeenCalledTimes(3);
    stop();
    dismissPairPrompt('a.example');
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('works, forgetfully, where storage throws', () => {
    const spy = vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    expect(() => dismissPairPrompt('a.example')).not.toThrow();
    expect(isPairPromptDismissed('a.example')).toBe(false);
    spy.mockRestore();
  });
});
