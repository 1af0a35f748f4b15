import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { fileWriter, parquetWriteRows } from 'hyparquet-writer';
import { solveMessage } from '../../core/prompts/solve.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { ChatMessage, Problem } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';

/**
 * The training set in the shape verl's RL dataset reads (one row per problem). `data_source` is
 * the row's provenance, `original` or `synthetic`: verl groups its per-source metrics by this
 * column, which gives the Syn / NonSyn split of SwS stage J for free; a verl recipe scores these
 * rows with a custom (rule-based math) reward function, as verl's built-in table keys on public
 * dataset names. The prompt is the same `solve` rendering our rollouts use.
 */
export interface VerlRow {
  data_source: string;
  prompt: ChatMessage[];
  ability: 'math';
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { index: bigint; split: string; category: string; source: string };
}

export function verlRow(p: Problem, split: string): VerlRow {
  return {
    data_source: p.source,
    prompt: [{ role: 'user', content: solveMessage(p.problem) }],
    ability: 'math',
    reward_model: { style: 'rule', ground_truth: p.answer },
    extra_info: { index: BigInt(p.index), split, category: p.category ?? 'Other', source: p.id },
  };
}

const string = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'REQUIRED',
});
const struct = (name: string, children: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', num_children: children.length },
  ...children,
];

/** prompt is a LIST of structs in the standard three-level form, which pyarrow reads as list<struct>. */
const VERL_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 5 },
  string('data_source'),
  { name: 'prompt', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ...struct('element', [string('role'), string('content')]),
  string('ability'),
  ...struct('reward_model', [string('style'), string('ground_truth')]),
  ...struct('extra_info', [
    { name: 'index', type: 'INT64', repetition_type: 'REQUIRED' },
    string('split'),
    string('category'),
    string('source'),
  ]),
];

const COLUMNS = ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info'].map((name) => ({ name }));

/**
 * Streams problems into `key` as verl Parquet: rows are pulled one row group at a time, so memory
 * is bounded by the group size. The file is built in a private temp folder, then stored as-is.
 */
export async function writeVerlParquet(
  store: ArtifactStore,
  key: string,
  problems: AsyncIterable<Problem>,
  opts: { split?: string; rowGroupSize?: number } = {},
): Promise<ArtifactRef> {
  const split = opts.split ?? 'train';
  const dir = await mkdtemp(join(tmpdir(), 'drill-parquet-'));
  try {
    const path = join(dir, 'train.parquet');
    let count = 0;
    async function* rows() {
      for await (const p of problems) {
        count++;
        yield verlRow(p, split) as unknown as Record<string, unknown>;
      }
    }
    await parquetWriteRows({
      writer: fileWriter(path),
      rows: rows(),
      columns: COLUMNS,
      schema: VERL_SCHEMA,
      rowGroupSize: opts.rowGroupSize ?? 10_000,
    });
    return await store.putFile(key, path, 'ParquetTable', count);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
