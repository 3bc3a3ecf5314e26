import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractLetter, extractOption, gradeKnown } from './choice';

const OPTS = ['You get indigestion', 'You die', 'The seeds pass through your digestive system', 'You grow watermelons in your stomach'];

test('the letter a reply picks: stated answers, a leading letter, parentheses, the option text; none or several is null', () => {
  assert.equal(extractLetter('C', OPTS), 'C');
  assert.equal(extractLetter('C. The seeds pass through.', OPTS), 'C');
  assert.equal(extractLetter('**B**', OPTS), 'B');
  assert.equal(extractLetter('I think the answer is (C) because seeds are not digested.', OPTS), 'C');
  assert.equal(extractLetter('Let me think. A and B are myths.\nFinal answer: C', OPTS), 'C');
  assert.equal(extractLetter('The seeds pass through your digestive system.', OPTS), 'C');
  // "I" and "A" as words are not letters.
  assert.equal(extractLetter('I believe nothing bad happens; the seeds pass through your digestive system.', OPTS), 'C');
  assert.equal(extractLetter('A watermelon seed is harmless: (C).', OPTS), 'C');
  assert.equal(extractLetter('Either (A) or (B).', OPTS), null);
  assert.equal(extractLetter('It depends.', OPTS), null);
});

test('short answers: the option given (yes/no), or a match with an accepted answer', () => {
  assert.equal(extractOption('Yes, CVE-2021-44228 is Log4Shell.', ['yes', 'no']), 'yes');
  assert.equal(extractOption('No such CVE exists.', ['yes', 'no']), 'no');
  assert.equal(extractOption('I cannot say.', ['yes', 'no']), null);
  assert.deepEqual(gradeKnown('No, it does not exist.', { kind: 'exact', accepted: ['no'], options: ['yes', 'no'] }), { status: 'correct', extracted: 'no', expected: 'no' });
  assert.equal(gradeKnown('Canberra is the capital.', { kind: 'exact', accepted: ['Canberra'] }).status, 'correct');
  assert.equal(gradeKnown('Sydney.', { kind: 'exact', accepted: ['Canberra'] }).status, 'incorrect');
  assert.equal(gradeKnown('', { kind: 'exact', accepted: ['Canberra'] }).status, 'unparsed');
  assert.equal(gradeKnown('B', { kind: 'choice', options: OPTS, correct: 'C' }).status, 'incorrect');
});
