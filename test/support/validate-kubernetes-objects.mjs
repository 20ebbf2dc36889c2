// Validates Kubernetes objects against the Kubernetes OpenAPI schema with kubernetes-models (an
// ESM-only package, hence a child process of its own): reads a JSON array of objects on stdin and
// writes a JSON array of { valid, error } in the same order. See kubernetes-schema.ts.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf-8'));
const results = [];
for (const object of objects) {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [undefined, object.apiVersion];
  const module = await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  const Model = module[object.kind];
  if (typeof Model !== 'function') {
    results.push({ valid: false, error: `kubernetes-models has no model for ${object.apiVersion} ${object.kind}` });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ valid: true });
  } catch (error) {
    results.push({ valid: false, error: String(error.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
