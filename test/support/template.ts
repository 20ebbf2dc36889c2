import { Template } from 'aws-cdk-lib/assertions';
import { CfnEvaluator, CfnEvalOptions } from './cfn-eval';

/** The one resource of a type whose logical id starts with a prefix. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter(id => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** A binding's role, trust policy and ServiceAccount objects as AWS and the kubectl handler receive them. */
export interface DeployedBinding {
  readonly roleArn: string;
  readonly trustPolicy: any;
  readonly serviceAccounts: any[];
}

export function deployedBinding(template: Template, bindingId: string, options?: CfnEvalOptions): DeployedBinding {
  const json = template.toJSON();
  const evaluator = new CfnEvaluator(json, options);
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', `${bindingId}Role`);
  const manifestId = logicalIdOf(template, 'Custom::AWSCDK-EKS-KubernetesResource', `${bindingId}ServiceAccount`);
  return {
    roleArn: evaluator.evaluate({ 'Fn::GetAtt': [roleId, 'Arn'] }),
    trustPolicy: evaluator.evaluateDocument(json.Resources[roleId].Properties.AssumeRolePolicyDocument),
    serviceAccounts: evaluator.evaluateDocument(json.Resources[manifestId].Properties.Manifest),
  };
}
