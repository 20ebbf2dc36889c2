import { Template } from 'aws-cdk-lib/assertions';
import { CfnEvaluator, CfnEvalOptions } from './cfn-eval';

/** The one resource of a type whose logical id starts with a prefix. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter(id => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** A binding's role, trust policy and ServiceAccount as AWS and the kubectl handler receive them. */
export interface DeployedBinding {
  readonly roleId: string;
  readonly roleArn: string;
  readonly trustPolicy: any;
  /** The ServiceAccount annotated with the role. */
  readonly serviceAccount: any;
  /** Logical id of the manifest that applies it. */
  readonly manifestId: string;
}

export interface DeployedBindingOptions extends CfnEvalOptions {
  /** `<namespace>/<name>` of the ServiceAccount to return, for roles trusted by several. */
  readonly serviceAccount?: string;
  /** Whether the ServiceAccount carries the role-arn annotation (not with Pod Identity alone). */
  readonly roleArnAnnotated?: boolean;
}

export function deployedBinding(template: Template, bindingId: string, options?: DeployedBindingOptions): DeployedBinding {
  const json = template.toJSON();
  const evaluator = new CfnEvaluator(json, options);
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', `${bindingId}Role`);
  const roleArn = evaluator.evaluate({ 'Fn::GetAtt': [roleId, 'Arn'] });
  const holders = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).flatMap(([manifestId, resource]) =>
    (evaluator.evaluateDocument(resource.Properties.Manifest) as any[])
      .filter(object => object.kind === 'ServiceAccount')
      .filter(object => options?.roleArnAnnotated === false || object.metadata?.annotations?.['eks.amazonaws.com/role-arn'] === roleArn)
      .filter(object => !options?.serviceAccount || `${object.metadata.namespace}/${object.metadata.name}` === options.serviceAccount)
      .map(serviceAccount => ({ manifestId, serviceAccount })));
  if (holders.length !== 1) throw new Error(`expected one ServiceAccount annotated with ${roleArn}, found ${holders.length}`);
  return {
    roleId,
    roleArn,
    trustPolicy: evaluator.evaluateDocument(json.Resources[roleId].Properties.AssumeRolePolicyDocument),
    ...holders[0],
  };
}
