/** Every config default names where it comes from: the paper, the released code, or "ours". */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RunConfig } from '../../schemas/config.js';

interface Node {
  default?: unknown;
  description?: string;
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  allOf?: Node[];
}

function defaultsWithoutSource(node: Node, path: string, out: string[]): string[] {
  // a group's default ({}) is its fields' defaults, which carry the sources
  const group = node.properties !== undefined;
  if ('default' in node && !group && !/\b(paper|released code|ours)\b/.test(node.description ?? '')) {
    out.push(`${path || '(root)'}: ${JSON.stringify(node.description ?? null)}`);
  }
  for (const [k, v] of Object.entries(node.properties ?? {})) defaultsWithoutSource(v, `${path}.${k}`, out);
  for (const v of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
    defaultsWithoutSource(v, path, out);
  if (typeof node.additionalProperties === 'object')
    defaultsWithoutSource(node.additionalProperties, `${path}.*`, out);
  if (node.items) defaultsWithoutSource(node.items, `${path}[]`, out);
  return out;
}

// The method's settings (stages, seed, rounds); endpoints, store and jobs are infrastructure.
void test('every method default in RunConfig says its source in .describe()', () => {
  const schema = z.toJSONSchema(RunConfig, { io: 'input', unrepresentable: 'any' }) as Node;
  const { stages, seed, rounds } = schema.properties!;
  const missing = defaultsWithoutSource(
    { properties: { stages: stages!, seed: seed!, rounds: rounds! } },
    '',
    [],
  );
  assert.deepEqual(missing, [], `defaults without a source:\n${missing.join('\n')}`);
});

void test('published settings are the defaults', () => {
  // an example config without its stage choices: every stage setting is the default
  const { stages: _chosen, ...raw } = parseYaml(
    readFileSync(new URL('../../examples/self-evolving.yaml', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const c = RunConfig.parse(raw).stages;
  assert.equal(c.generation.maxTokens, 4096);
  assert.equal(c.referenceAnswer.maxTokens, 32_768);
  assert.deepEqual(c.rl.initialGroupFilter, [0, 1]);
  assert.deepEqual(c.rl.groupFilter, [0.125, 0.875]);
  assert.equal(c.rl.epochs, 30);
  assert.equal(c.evaluation.benchmarks.aime24?.samples, 32);
  assert.equal(c.augmentedRl.enabled, true);
  assert.ok(c.exam.keep > 0 && c.exam.keep < 1, 'k-center keeps a fraction, so it selects');
});
