/**
 * `npx projen bench`: synthesizes stacks with N IRSA bindings made by cdk-irsa's `IrsaBinding`
 * (default: shared manifests; and `isolatedManifest: true`) and by aws-cdk-lib's
 * `eks.ServiceAccount`, in one process, interleaved, over several rounds, and writes
 * docs/benchmarks.md, docs/benchmarks.svg and docs/benchmarks.json. Every figure is measured here:
 * times with a clock, counts and sizes read back from the synthesized cloud assembly, whatever the
 * constructs put into it.
 *
 * Environment (for quick trial runs; the committed docs come from the defaults):
 *   BENCH_ROUNDS=7  BENCH_SIZES=10,100,200,400  BENCH_LARGEST_ROUNDS=5 (rounds that include the largest N)
 *   BENCH_NEW_CLUSTER_N=100 (0 skips the cross-check)  BENCH_NEW_CLUSTER_ROUNDS=3  BENCH_OUT=docs
 */
import { execSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Capacity, Measurement, Row, spread, summarize } from './analysis';
import { MAX_INLINE_TEMPLATE_BYTES, MAX_MANIFEST_REQUEST_BYTES, MAX_RESOURCES, MAX_TEMPLATE_BYTES, readStack, StackFigures } from './assembly';
import { renderChartSvg, renderMarkdown, Report } from './report';
import { buildApp, ClusterSetup, describeScenario, LIBRARIES, Library, Scenario, STACK_NAME } from './scenario';

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

const ROUNDS = Math.max(1, intEnv('BENCH_ROUNDS', 7));
const SIZES = (process.env.BENCH_SIZES ?? '10,100,200,400').split(',').map(Number);
if (SIZES.some(n => !Number.isInteger(n) || n <= 0)) throw new Error(`BENCH_SIZES must list positive integers, got ${process.env.BENCH_SIZES}`);
SIZES.sort((a, b) => a - b);
/** The largest N is measured in the first rounds only: it costs more than all other sizes together. */
const LARGEST_ROUNDS = Math.max(1, Math.min(ROUNDS, intEnv('BENCH_LARGEST_ROUNDS', 5)));
const NEW_CLUSTER_N = intEnv('BENCH_NEW_CLUSTER_N', 100);
const NEW_CLUSTER_ROUNDS = Math.max(1, intEnv('BENCH_NEW_CLUSTER_ROUNDS', 3));
const OUT = path.resolve(process.env.BENCH_OUT ?? 'docs');

const started = performance.now();
const loadAtStart = os.loadavg();
const gc: (() => void) | undefined = (globalThis as any).gc;
if (!gc) console.error('bench: run node with --expose-gc (npx projen bench does) to collect garbage between runs');

function log(message: string): void {
  console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

/** Builds and synthesizes one scenario into a fresh directory; only that is timed. */
function synth(scenario: Scenario): { ms: number; cpuMs: number; load: number; figures: StackFigures } {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-bench-'));
  try {
    gc?.();
    const load = os.loadavg()[0];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { app } = buildApp(outdir, scenario);
    const assembly = app.synth();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, load, figures: readStack(assembly, STACK_NAME) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function measure(measurements: Measurement[], round: number, cluster: ClusterSetup, library: Library | 'none', bindings: number): void {
  const scenario: Scenario = { cluster, bindings, library: library === 'none' ? undefined : library };
  const { ms, cpuMs, load, figures } = synth(scenario);
  measurements.push({ library, cluster, bindings, round, ms, cpuMs, load, figures });
  log(`round ${round}: ${describeScenario(scenario).padEnd(40)} ${ms.toFixed(0).padStart(6)} ms (CPU ${cpuMs.toFixed(0).padStart(6)} ms, `
    + `load ${load.toFixed(1)}), ${figures.resources} resources, ${figures.bytes} bytes`);
}

function warmUp(cluster: ClusterSetup, bindings: number): void {
  for (const library of [undefined, ...LIBRARIES]) {
    const scenario: Scenario = { cluster, bindings: library ? bindings : 0, library };
    const { ms } = synth(scenario);
    log(`warm-up: ${describeScenario(scenario).padEnd(40)} ${ms.toFixed(0).padStart(6)} ms (not counted)`);
  }
}

/** The libraries in the order of a round: rotated by one each round, so that none always runs first or last. */
function orderOf(round: number): Library[] {
  const shift = (round - 1) % LIBRARIES.length;
  return [...LIBRARIES.slice(shift), ...LIBRARIES.slice(0, shift)];
}

/**
 * Interleaved rounds: the stack without bindings, then every library at each N (in `orderOf`);
 * the largest N only in the first `largestRounds` rounds.
 */
function rounds(cluster: ClusterSetup, sizes: number[], count: number, largestRounds = count): Measurement[] {
  const measurements: Measurement[] = [];
  const largest = sizes[sizes.length - 1];
  for (let round = 1; round <= count; round++) {
    measure(measurements, round, cluster, 'none', 0);
    for (const n of sizes) {
      if (n === largest && round > largestRounds) continue;
      for (const library of orderOf(round)) measure(measurements, round, cluster, library, n);
    }
  }
  return measurements;
}

function rowsOf(measurements: Measurement[], sizes: number[]): { baseline: Row; rows: Row[] } {
  const baseline = summarize(measurements, 'none', 0);
  const rows = sizes.flatMap(n => LIBRARIES.map(library => summarize(measurements, library, n, baseline)));
  return { baseline, rows };
}

/** A limit that a stack of N bindings may break. */
interface Limit {
  readonly name: string;
  readonly fits: (f: StackFigures) => boolean;
}

/** What CloudFormation refuses to deploy: every template, nested ones included, is held to these. */
const STACK_LIMITS: Limit[] = [
  { name: `${MAX_RESOURCES} resources`, fits: f => f.maxTemplateResources <= MAX_RESOURCES },
  { name: `${MAX_TEMPLATE_BYTES.toLocaleString('en-US')} template bytes`, fits: f => f.maxTemplateBytes <= MAX_TEMPLATE_BYTES },
  {
    name: `${MAX_MANIFEST_REQUEST_BYTES.toLocaleString('en-US')}-byte kubectl request (2 x largest manifest)`,
    fits: f => 2 * f.maxManifestResolvedBytes <= MAX_MANIFEST_REQUEST_BYTES,
  },
];

/** The stack's own template passed in the request rather than from S3 (nested templates always come from S3). */
const INLINE_LIMIT: Limit = {
  name: `${MAX_INLINE_TEMPLATE_BYTES.toLocaleString('en-US')} bytes of inline template`,
  fits: f => f.stackTemplateBytes <= MAX_INLINE_TEMPLATE_BYTES,
};

/**
 * The largest N for which `fits` holds, found by synthesizing stacks: from the estimate, step
 * outwards until the answer is bracketed, then bisect. The figures grow with N, so the first N
 * that does not fit is one more than the answer.
 */
function largestFitting(fits: (f: StackFigures) => boolean, estimate: number, probe: (n: number) => StackFigures): number {
  if (!fits(probe(0))) throw new Error('the stack without bindings is over the limits already');
  let good = 0;
  let bad: number | undefined;
  let step = 1;
  let n = Math.max(1, estimate);
  // bracket: the largest N known to fit, the smallest known not to
  while (bad === undefined) {
    if (fits(probe(n))) {
      good = Math.max(good, n);
      n = good + step;
    } else {
      bad = n;
    }
    step *= 2;
  }
  for (let s = 1; ; s *= 2) {
    const lower = Math.max(good, bad - s);
    if (lower === good) break;
    if (fits(probe(lower))) {
      good = lower;
      break;
    }
    bad = lower;
  }
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (fits(probe(mid))) good = mid; else bad = mid;
  }
  return good;
}

/**
 * The largest N whose stack CloudFormation accepts (every template within 500 resources and
 * 1,000,000 bytes, the kubectl request within its limit), which limit the next binding breaks,
 * and the largest N whose stack template could still be passed inline (51,200 bytes).
 *
 * The search starts from estimates extrapolated from the two largest measured N with the cost of
 * one more binding there: with shared manifests, the manifests are a fixed cost, so the average
 * per binding, (x(N) - x(0)) / N, would put the estimate short of the answer.
 */
function capacity(library: Library, baseline: Row, smaller: Row | undefined, largest: Row): Capacity {
  const from = smaller ?? baseline;
  const extrapolate = (limit: number, pick: (f: StackFigures) => number) => {
    const marginal = (pick(largest.figures) - pick(from.figures)) / (largest.bindings - from.bindings);
    return marginal > 0 ? largest.bindings + Math.floor((limit - pick(largest.figures)) / marginal) : Infinity;
  };
  // the inline limit is reached at small N, where the manifests are not all there yet: extrapolate from N=0
  const inlineMarginal = (largest.figures.stackTemplateBytes - baseline.figures.stackTemplateBytes) / largest.bindings;
  const estimates = {
    resources: extrapolate(MAX_RESOURCES, f => f.resources),
    bytes: extrapolate(MAX_TEMPLATE_BYTES, f => f.stackTemplateBytes),
    inline: Math.floor((MAX_INLINE_TEMPLATE_BYTES - baseline.figures.stackTemplateBytes) / inlineMarginal),
  };
  if (![estimates.resources, estimates.bytes, estimates.inline].every(Number.isFinite)) {
    throw new Error(`${library}: bindings add no resources or no bytes to the stack; nothing to search`);
  }
  const probed = new Map<number, StackFigures>([[0, baseline.figures]]);
  const probe = (n: number): StackFigures => {
    if (!probed.has(n)) {
      const { figures } = synth({ cluster: 'imported', library, bindings: n });
      probed.set(n, figures);
      log(`capacity: ${library} N=${n}: ${figures.maxTemplateResources} resources, ${figures.maxTemplateBytes} bytes in the largest template, `
        + `${figures.stackTemplateBytes} in the stack's, largest manifest ${figures.maxManifestResolvedBytes} bytes resolved`);
    }
    return probed.get(n)!;
  };

  const verified = largestFitting(f => STACK_LIMITS.every(l => l.fits(f)), Math.min(estimates.resources, estimates.bytes), probe);
  const beyond = probe(verified + 1);
  const inline = largestFitting(INLINE_LIMIT.fits, estimates.inline, probe);
  return {
    library,
    estimate: estimates.resources,
    bytesEstimate: estimates.bytes,
    verified,
    atCapacity: probe(verified),
    beyond,
    bindingLimit: STACK_LIMITS.filter(l => !l.fits(beyond)).map(l => l.name).join(' and '),
    inlineEstimate: estimates.inline,
    inlineVerified: inline,
    inlineBeyond: probe(inline + 1),
    probes: probed.size - 1,
  };
}

/** The installed version of a package, as resolved from here. */
function versionOf(pkg: string): string {
  return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf-8')).version;
}

function git(command: string): string {
  try {
    return execSync(`git ${command}`, { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function main(): void {
  log(`rounds ${ROUNDS} (${LARGEST_ROUNDS} at N=${SIZES[SIZES.length - 1]}), N = ${SIZES.join(', ')}, imported cluster; `
    + `new-cluster cross-check at N=${NEW_CLUSTER_N} x ${NEW_CLUSTER_ROUNDS}`);
  warmUp('imported', SIZES[Math.min(1, SIZES.length - 1)]);
  const measurements = rounds('imported', SIZES, ROUNDS, LARGEST_ROUNDS);
  const { baseline, rows } = rowsOf(measurements, SIZES);
  const rowAt = (library: Library, n: number | undefined) => rows.find(r => r.library === library && r.bindings === n);
  const capacities = LIBRARIES.map(library =>
    capacity(library, baseline, rowAt(library, SIZES[SIZES.length - 2]), rowAt(library, SIZES[SIZES.length - 1])!));

  let newCluster: Report['newCluster'];
  let newClusterMeasurements: Measurement[] = [];
  if (NEW_CLUSTER_N > 0) {
    warmUp('new', NEW_CLUSTER_N);
    newClusterMeasurements = rounds('new', [NEW_CLUSTER_N], NEW_CLUSTER_ROUNDS);
    newCluster = rowsOf(newClusterMeasurements, [NEW_CLUSTER_N]);
  }

  const dirty = git('status --porcelain -- src') !== '';
  const report: Report = {
    durationSeconds: (performance.now() - started) / 1000,
    date: new Date().toISOString(),
    machine: {
      nproc: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: os.totalmem() / 2 ** 30,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      awsCdkLib: versionOf('aws-cdk-lib'),
      constructs: versionOf('constructs'),
      cdk8s: versionOf('cdk8s'),
      commit: `${git('rev-parse --short HEAD')} (src/ tree ${git('rev-parse --short HEAD:src')})${dirty ? ' with uncommitted changes in src/' : ''}`,
      loadAtStart,
      loadAtEnd: os.loadavg(),
      loadDuringRuns: spread([...measurements, ...newClusterMeasurements].map(m => m.load)),
    },
    config: {
      rounds: ROUNDS,
      largestRounds: LARGEST_ROUNDS,
      sizes: SIZES,
      newClusterN: NEW_CLUSTER_N,
      newClusterRounds: NEW_CLUSTER_ROUNDS,
      gc: gc !== undefined,
    },
    baseline,
    rows,
    capacities,
    newCluster,
  };

  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'benchmarks.svg'), renderChartSvg(report));
  writeFileSync(path.join(OUT, 'benchmarks.md'), renderMarkdown(report));
  writeFileSync(path.join(OUT, 'benchmarks.json'), JSON.stringify({
    ...report,
    measurements: [...measurements, ...newClusterMeasurements].map(m => ({
      library: m.library,
      cluster: m.cluster,
      bindings: m.bindings,
      round: m.round,
      ms: Number(m.ms.toFixed(1)),
      cpuMs: Number(m.cpuMs.toFixed(1)),
      load1: Number(m.load.toFixed(2)),
      resources: m.figures.resources,
      resourcesAllTemplates: m.figures.resourcesAllTemplates,
      bytes: m.figures.bytes,
      customResources: m.figures.customResources,
      kubectlManifests: m.figures.kubectlManifests,
      maxManifestBytes: m.figures.maxManifestBytes,
      maxManifestResolvedBytes: m.figures.maxManifestResolvedBytes,
      maxManifestObjects: m.figures.maxManifestObjects,
      lambdaFunctions: m.figures.lambdaFunctions,
    })),
  }, (key, value) => key === 'customResourceIds' || key === 'trustCustomResourceIds' || key === 'values' ? undefined : value, 1) + '\n');
  log(`wrote ${path.relative(process.cwd(), OUT)}/benchmarks.{md,svg,json} in ${report.durationSeconds.toFixed(0)} s`);
}

main();
