// Reason-then-code: the model reasons first, in <reasoning>…</reasoning>, then writes the function.
// The reasoning is kept apart (stored in the sample's meta) and only the rest is searched for code.
import { templateStrategy } from './template';

export const reasonThenCode = templateStrategy({
  name: 'reason-then-code',
  description: 'step-by-step reasoning in <reasoning> (stored apart), then the whole function',
  reasoning: true,
});
