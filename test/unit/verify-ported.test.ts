/**
 * math-verify's own test cases, ported as data (test/fixtures/math-verify/cases.jsonl, made by
 * port_tests.py from its test suite). Every case must match its label, except the documented
 * disagreements in disagreements.json, which must still disagree (so the list stays true).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { extractChoice, verify } from '../../core/verify/index.js';

const dir = new URL('../fixtures/math-verify/', import.meta.url);

interface CompareCase {
  kind: 'compare';
  test: string;
  gold: string;
  pred: string;
  expected: boolean;
  precision: number;
  strict: boolean;
  allowSetRelationComp: boolean;
}

interface ChoiceCase {
  kind: 'choice';
  test: string;
  pred: string;
  choices: string[];
  lowercase: boolean;
  expectedChoice: string | null;
}

const cases = readFileSync(new URL('cases.jsonl', dir), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as CompareCase | ChoiceCase);
const disagreements = JSON.parse(readFileSync(new URL('disagreements.json', dir), 'utf8')) as Record<
  string,
  string
>;

void test('ported math-verify cases agree with their labels, except the documented disagreements', () => {
  const wrong: string[] = [];
  const stale: string[] = [];
  let agree = 0;
  for (const c of cases) {
    const ok =
      c.kind === 'choice'
        ? extractChoice(c.pred, c.choices, c.lowercase) === c.expectedChoice
        : verify(c.gold, c.pred, {
            precision: c.precision,
            strict: c.strict,
            allowSetRelationComp: c.allowSetRelationComp,
          }).equal === c.expected;
    if (ok) agree++;
    if (ok && c.test in disagreements) stale.push(c.test);
    if (!ok && !(c.test in disagreements)) wrong.push(c.test);
  }
  console.log(`math-verify ported cases: ${agree}/${cases.length} agree`);
  assert.equal(cases.length, 276);
  assert.deepEqual(wrong, []);
  assert.deepEqual(stale, []);
  assert.equal(agree, cases.length - Object.keys(disagreements).length);
});
