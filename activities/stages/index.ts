import type { ArtifactRef } from '../../schemas/artifact.js';
import type { StagesConfig, StoreConfig } from '../../schemas/config.js';
import { cachedStep } from '../cache.js';
import type { ActivityDeps } from '../deps.js';
import type { ArtifactStore } from '../storage/store.js';
import { records } from './artifacts.js';
import { buildAccuracyLog } from './assess-data.js';
import { mergeTrainSet } from './augmented-rl-data.js';
import { dedupAndDecontaminate } from './dedup-data.js';
import { summariseEvaluation } from './evaluation-data.js';
import * as exam from './exam-data.js';
import { ingestProblems } from './ingest.js';
import { collectLanes, renderLanes, type RenderedLane } from './llm-step.js';
import { PROMPT_VERSIONS, llmStep, type LlmStepName, type LlmStepParams } from './registry.js';
import * as selection from './selection-data.js';
import { conceptTexts, sampleConcepts } from './synthesis-data.js';
import { selectGoldAnswers } from './gold-data.js';
import { detectWeakness } from './weakness-data.js';

/**
 * The orchestration queue's activities: light data steps around the LLM and GPU work. Each takes
 * the run's store config (no secrets: credentials come from the worker's environment) and is
 * cached by content, so a retry or a re-run returns the recorded output without redoing it.
 */

interface WithStore {
  store: StoreConfig;
}

/** An LLM step by name with the parameters that step takes. */
export interface LlmStepInput<S extends LlmStepName = LlmStepName> extends WithStore {
  step: S;
  input: ArtifactRef;
  params: LlmStepParams[S];
}

export function createStageActivities(deps: ActivityDeps) {
  /** Runs a data step through the cache; the step's output object is returned with `cached`. */
  async function cached<O>(
    input: WithStore,
    step: string,
    params: unknown,
    inputs: (ArtifactRef | undefined)[],
    produce: (store: ArtifactStore, prefix: string) => Promise<O>,
  ): Promise<O & { cached: boolean }> {
    const store = deps.storeFor(input.store);
    const r = await cachedStep(
      store,
      { step, params, inputs },
      (prefix) => produce(store, prefix),
      deps.clock,
    );
    return { ...r.output, cached: r.cached };
  }

  return {
    async ingest(input: WithStore & { uri: string; name: string }) {
      return ingestProblems(deps.storeFor(input.store), input.uri, input.name, deps.clock);
    },

    async renderLlmStep<S extends LlmStepName>(
      input: LlmStepInput<S>,
    ): Promise<{ lanes: RenderedLane[]; parser?: string; cached: boolean }> {
      const def = llmStep(input.step);
      const r = await cached(
        input,
        `render-${input.step}`,
        { params: input.params, version: def.version, prompts: PROMPT_VERSIONS },
        [input.input],
        async (store, prefix) => ({
          lanes: await renderLanes(store, def, () => records(store, input.input), input.params, prefix),
        }),
      );
      return { ...r, parser: def.parser };
    },

    async collectLlmStep<S extends LlmStepName>(input: LlmStepInput<S> & { results: ArtifactRef[] }) {
      const def = llmStep(input.step);
      return cached(
        input,
        `collect-${input.step}`,
        { params: input.params, version: def.version },
        [input.input, ...input.results],
        (store, prefix) =>
          collectLanes(
            store,
            def,
            records(store, input.input),
            input.results,
            input.params,
            `${prefix}/${input.step}.jsonl`,
          ),
      );
    },

    async buildAccuracyLog(input: WithStore & { assessed: ArtifactRef; history?: ArtifactRef }) {
      const inputs = input.history ? [input.assessed, input.history] : [input.assessed];
      return cached(input, 'accuracy-log', {}, inputs, (store, prefix) =>
        buildAccuracyLog(store, input.assessed, prefix, input.history),
      );
    },

    async detectWeakness(
      input: WithStore & {
        accuracyLog: ArtifactRef;
        problems: ArtifactRef;
        weakness: StagesConfig['weakness'];
      },
    ) {
      return cached(input, 'weakness', input.weakness, [input.accuracyLog, input.problems], (store, prefix) =>
        detectWeakness(store, input.accuracyLog, input.problems, input.weakness, prefix),
      );
    },

    async conceptTexts(input: WithStore & { conceptSets: ArtifactRef }) {
      // Texts are normalised concept keys since version 2.
      return cached(input, 'concept-texts', { version: 2 }, [input.conceptSets], (store, prefix) =>
        conceptTexts(store, input.conceptSets, prefix),
      );
    },

    async sampleConcepts(
      input: WithStore & {
        conceptSets: ArtifactRef;
        vectors: ArtifactRef;
        failuresByCategory: Record<string, number>;
        sizeByCategory: Record<string, number>;
        sampler: StagesConfig['sampler'];
        mergeSimilarity: number;
        seed: number;
        idPrefix: string;
      },
    ) {
      const { store: _s, conceptSets, vectors, ...params } = input;
      return cached(input, 'sample-concepts', params, [conceptSets, vectors], (store, prefix) =>
        sampleConcepts(store, input, prefix),
      );
    },

    async poolTexts(input: WithStore & { pool: ArtifactRef }) {
      return cached(input, 'pool-texts', {}, [input.pool], (store, prefix) =>
        selection.poolTexts(store, input.pool, prefix),
      );
    },

    async selectFromPool(
      input: WithStore & {
        lists: ArtifactRef;
        conceptVectors: ArtifactRef;
        pool: ArtifactRef;
        poolVectors: ArtifactRef;
        perList: number;
      },
    ) {
      return cached(
        input,
        'select-from-pool',
        { perList: input.perList },
        [input.lists, input.conceptVectors, input.pool, input.poolVectors],
        (store, prefix) => selection.selectFromPool(store, input, prefix),
      );
    },

    async dedupAndDecontaminate(
      input: WithStore & { synthetic: ArtifactRef; against: ArtifactRef[]; seed: number },
    ) {
      return cached(
        input,
        'dedup',
        { seed: input.seed },
        [input.synthetic, ...input.against],
        (store, prefix) => dedupAndDecontaminate(store, input, prefix),
      );
    },

    async selectGoldAnswers(
      input: WithStore & { judged: ArtifactRef; members: string[]; eloK: number; eloWeight: number },
    ) {
      const { store: _s, judged, ...params } = input;
      // logic 2: classic Elo over every member's votes, local vote shares, battles.jsonl
      return cached(input, 'gold', { ...params, logic: 2 }, [judged], (store, prefix) =>
        selectGoldAnswers(store, input, prefix),
      );
    },

    async mergeTrainSet(input: WithStore & { original: ArtifactRef; synthetic: ArtifactRef[] }) {
      // The format version keeps manifests from before the Parquet output from being reused.
      return cached(
        input,
        'merge-train',
        { format: 2 },
        [input.original, ...input.synthetic],
        (store, prefix) => mergeTrainSet(store, input, prefix),
      );
    },

    async planExam(input: WithStore & Parameters<typeof exam.planExam>[1]) {
      const { store: _s, failed, ...params } = input;
      return cached(input, 'exam-plan', params, [failed], (store, prefix) =>
        exam.planExam(store, input, prefix),
      );
    },

    async splitDefects(input: WithStore & { assessed: ArtifactRef; maxAccuracy: number }) {
      return cached(
        input,
        'exam-defects',
        { maxAccuracy: input.maxAccuracy },
        [input.assessed],
        (store, prefix) => exam.splitDefects(store, input, prefix),
      );
    },

    async problemTexts(input: WithStore & { problems: ArtifactRef }) {
      return cached(input, 'problem-texts', {}, [input.problems], (store, prefix) =>
        exam.problemTexts(store, input.problems, prefix),
      );
    },

    async selectDiverse(
      input: WithStore & { problems: ArtifactRef; vectors: ArtifactRef; keep: number; seed: number },
    ) {
      const { keep, seed } = input;
      return cached(input, 'kcenter', { keep, seed }, [input.problems, input.vectors], (store, prefix) =>
        exam.selectDiverse(store, input, prefix),
      );
    },

    async concatProblems(input: WithStore & { sets: ArtifactRef[]; latestRevision?: boolean }) {
      const params = input.latestRevision ? { latestRevision: true } : {};
      return cached(input, 'concat-problems', params, input.sets, (store, prefix) =>
        exam.concatProblems(store, input, prefix),
      );
    },

    /** The evaluation summary, also kept as an artifact (`report`) next to the graded samples. */
    async summariseEvaluation(
      input: WithStore & { records: ArtifactRef[]; checkpoint: string; samples: number; simulated: boolean },
    ) {
      const { store: _s, records: inputs, ...params } = input;
      return cached(input, 'evaluation-report', params, inputs, async (store, prefix) => {
        const summary = await summariseEvaluation(store, input);
        return { summary, report: await store.writeJson(`${prefix}/report.json`, summary, 'EvalReport') };
      });
    },
  };
}
