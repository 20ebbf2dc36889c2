import { StackFigures } from './assembly';
import { ClusterSetup, Library } from './scenario';

/** One synth of one scenario. */
export interface Measurement {
  readonly library: Library | 'none';
  readonly cluster: ClusterSetup;
  readonly bindings: number;
  readonly round: number;
  /** Wall time to build the app and run `app.synth()`, in milliseconds. */
  readonly ms: number;
  /** CPU time (user + system) of this process over the same span, in milliseconds. */
  readonly cpuMs: number;
  /** One-minute load average of the machine when the run started. */
  readonly load: number;
  readonly figures: StackFigures;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: number[];
}

export function spread(values: number[]): Spread {
  if (values.length === 0) throw new Error('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], values };
}

/** The figures of one library at one N, over all rounds. */
export interface Row {
  readonly library: Library | 'none';
  readonly bindings: number;
  readonly rounds: number;
  readonly time: Spread;
  readonly cpu: Spread;
  /** Counts and sizes of the first round (see `deterministic`). */
  readonly figures: StackFigures;
  /** Whether every round produced the same counts and sizes. */
  readonly deterministic: boolean;
  /** (x(N) - x(0)) / N, with x(0) the same stack without bindings; undefined at N = 0. */
  readonly perBinding?: PerBinding;
  /** Custom resources that a role's trust depends on and that the stack without bindings does not have. */
  readonly trustCustomResourcesAdded: number;
}

export interface PerBinding {
  readonly resources: number;
  readonly resourcesAllTemplates: number;
  readonly bytes: number;
  readonly stackTemplateBytes: number;
  readonly customResources: number;
  readonly kubectlManifests: number;
  readonly lambdaFunctions: number;
  readonly trustCustomResources: number;
  /** (median t(N) - median t(0)) / N, in milliseconds. */
  readonly ms: number;
}

function fingerprint(f: StackFigures): string {
  return JSON.stringify([f.templates, f.types, f.customResourceIds, f.trustCustomResourceIds]);
}

export function summarize(measurements: Measurement[], library: Library | 'none', bindings: number, baseline?: Row): Row {
  const runs = measurements.filter(m => m.library === library && m.bindings === bindings);
  if (runs.length === 0) throw new Error(`no measurements of ${library} at N=${bindings}`);
  const figures = runs[0].figures;
  const time = spread(runs.map(r => r.ms));
  const baseIds = new Set(baseline?.figures.customResourceIds ?? []);
  const trustCustomResourcesAdded = figures.trustCustomResourceIds.filter(id => !baseIds.has(id)).length;
  const delta = (pick: (f: StackFigures) => number) => baseline ? (pick(figures) - pick(baseline.figures)) / bindings : NaN;
  return {
    library,
    bindings,
    rounds: runs.length,
    time,
    cpu: spread(runs.map(r => r.cpuMs)),
    figures,
    deterministic: runs.every(r => fingerprint(r.figures) === fingerprint(figures)),
    trustCustomResourcesAdded,
    perBinding: baseline && bindings > 0 ? {
      resources: delta(f => f.resources),
      resourcesAllTemplates: delta(f => f.resourcesAllTemplates),
      bytes: delta(f => f.bytes),
      stackTemplateBytes: delta(f => f.stackTemplateBytes),
      customResources: delta(f => f.customResources),
      kubectlManifests: delta(f => f.kubectlManifests),
      lambdaFunctions: delta(f => f.lambdaFunctions),
      trustCustomResources: trustCustomResourcesAdded / bindings,
      ms: (time.median - baseline.time.median) / bindings,
    } : undefined,
  };
}

/** Growth exponent k of t(N) - t(0) ~ N^k between two sizes: 1 is linear. */
export function growthExponent(base: Row, small: Row, large: Row): number {
  const a = small.time.median - base.time.median;
  const b = large.time.median - base.time.median;
  if (a <= 0 || b <= 0) return NaN;
  return Math.log(b / a) / Math.log(large.bindings / small.bindings);
}

/** The result of looking for the largest number of bindings whose stack CloudFormation accepts. */
export interface Capacity {
  readonly library: Library;
  /**
   * Where the resource limit alone would stop, extrapolated from the two largest measured N:
   * N2 + floor((500 - resources(N2)) / ((resources(N2) - resources(N1)) / (N2 - N1))).
   */
  readonly estimate: number;
  /** Where the 1,000,000-byte limit alone would stop, extrapolated the same way from the stack template's bytes. */
  readonly bytesEstimate: number;
  /**
   * Largest N synthesized with every template within 500 resources and 1,000,000 bytes and the
   * kubectl request (2 x the largest manifest, resolved) within 256 KiB.
   */
  readonly verified: number;
  /** Figures of the stack with `verified` bindings and with one more. */
  readonly atCapacity: StackFigures;
  readonly beyond: StackFigures;
  /** Which limit the stack with one more binding breaks: the one that binds first. */
  readonly bindingLimit: string;
  /** floor((51,200 - stack template bytes(0)) / stack template bytes per binding at the largest N). */
  readonly inlineEstimate: number;
  /** Largest N synthesized whose stack template is within 51,200 bytes, the limit of a template passed inline. */
  readonly inlineVerified: number;
  /** Figures of the stack with `inlineVerified` + 1 bindings. */
  readonly inlineBeyond: StackFigures;
  /** How many stacks were synthesized to find both. */
  readonly probes: number;
}
