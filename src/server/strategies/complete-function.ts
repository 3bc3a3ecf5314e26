// Default prompt strategy for chat models: ask for the whole function in one fenced block.
// (Completion-style providers use the prompt verbatim.)
import type { Strategy } from '../plugins';

export const completeFunction: Strategy = {
  name: 'complete-function',
  kinds: ['code'],
  description: 'the whole function, signature included, in one fenced block (the default)',
  messages(problem) {
    if (problem.kind === 'chat') throw new Error(`complete-function: ${problem.id} is a chat problem`);
    return [
      { role: 'system', content: `You are an expert ${problem.language} programmer. Reply with code only.` },
      {
        role: 'user',
        content: `Complete the following ${problem.language} function. Return the complete function, including the signature, in one fenced code block.\n\n\`\`\`${problem.language}\n${problem.prompt}\n\`\`\``,
      },
    ];
  },
};
