// Default strategy for chat problems: send the problem's conversation exactly as the suite wrote it.
import type { Strategy } from '../plugins';

export const asIs: Strategy = {
  name: 'as-is',
  kinds: ['chat'],
  messages(problem) {
    if (problem.kind !== 'chat') throw new Error(`as-is: ${problem.id} is a code problem; it has no conversation to send`);
    return problem.messages;
  },
};
