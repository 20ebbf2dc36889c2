import { execFileSync } from 'child_process';
import * as path from 'path';

export interface SchemaResult {
  readonly valid: boolean;
  readonly error?: string;
}

/**
 * Validates Kubernetes objects against the Kubernetes OpenAPI schema with the independent
 * `kubernetes-models` package. It is ESM only and jest runs CommonJS here, so the validation runs
 * in one node child process per call: pass many objects at once.
 */
export function validateKubernetesObjects(objects: any[]): SchemaResult[] {
  const output = execFileSync(process.execPath, [path.join(__dirname, 'validate-kubernetes-objects.mjs')], {
    input: JSON.stringify(objects),
    cwd: path.join(__dirname, '..', '..'),
    maxBuffer: 64 * 1024 * 1024,
  });
  const results: SchemaResult[] = JSON.parse(output.toString('utf-8'));
  if (results.length !== objects.length) throw new Error(`expected ${objects.length} results, got ${results.length}`);
  return results;
}
