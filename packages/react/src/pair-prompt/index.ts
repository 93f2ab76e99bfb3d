'use client';
export type { PairPromptLabels, PairPromptProps, PairPromptState } from './pair-prompt.js';
export { DEFAULT_PAIR_PROMPT_LABELS, PairPrompt } from './pair-prompt.js';
