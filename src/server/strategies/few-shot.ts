// Few-shot: three solved problems of the same suite (never the target) as earlier turns, then the
// target asked as complete-function asks it. Examples are the suite's canonical solutions.
import { templateStrategy } from './template';

export const fewShot = templateStrategy({
  name: 'few-shot',
  description: '3 solved problems of the same suite as earlier turns, then the whole function',
  shots: 3,
});
