import { ApiObject, App, Chart } from 'cdk8s';

/** The webhook annotation that hands a pod the role's credentials. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

export interface ServiceAccountSpec {
  readonly name: string;
  readonly namespace: string;
  readonly roleArn: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/**
 * Renders ServiceAccount objects with cdk8s. CDK tokens (the role ARN) pass through cdk8s as
 * strings and are resolved later by the `KubernetesManifest` that applies the objects.
 */
export function renderServiceAccounts(specs: ServiceAccountSpec[]): Record<string, any>[] {
  const chart = new Chart(new App(), 'irsa', { disableResourceNameHashes: true });
  specs.forEach((spec, index) => {
    new ApiObject(chart, `ServiceAccount${index}`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        labels: Object.keys(spec.labels).length > 0 ? { ...spec.labels } : undefined,
        annotations: { ...spec.annotations, [ROLE_ARN_ANNOTATION]: spec.roleArn },
      },
    });
  });
  return chart.toJson();
}
