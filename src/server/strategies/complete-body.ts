// Complete-the-body: ask for the statements of the function only, not its signature or docstring
// (HumanEval's own convention); extraction appends them to the prompt as they are.
import { templateStrategy } from './template';

export const completeBody = templateStrategy({
  name: 'complete-body',
  description: 'only the body of the function, appended to the prompt',
  mode: 'body',
});
