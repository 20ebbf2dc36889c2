/**
 * The README's main job: synthesizes the example app into examples/cdk.out and prints, for each
 * binding, what the synthesized template will do once deployed. Everything shown is read back from
 * the templates on disk; deploy-time values (generated names, the new cluster's issuer) are shown
 * as <placeholders>.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { stringify } from 'yaml';
import { buildExampleApp } from './app';
import { CfnEvaluator } from '../test/support/cfn-eval';

const outdir = path.join(__dirname, 'cdk.out');
const { app, stack } = buildExampleApp(outdir);
const assembly = app.synth();
const artifact = assembly.getStackByName(stack.stackName);
const template = JSON.parse(readFileSync(artifact.templateFullPath, 'utf-8'));
const evaluator = new CfnEvaluator(template, {
  accountId: stack.account,
  region: stack.region,
  symbolic: true,
});

const resources: Record<string, any> = template.Resources;
const countOf = (type: string) => Object.values(resources).filter(r => r.Type === type).length;
const logicalId = (resource: CfnResource) => Stack.of(resource).getLogicalId(resource);

console.log(`Synthesized ${path.relative(process.cwd(), outdir)}: ${assembly.stacks.length} stack(s)`);
for (const s of assembly.stacks) {
  console.log(`  ${path.relative(process.cwd(), s.templateFullPath)}: ${Object.keys(s.template.Resources ?? {}).length} resources`);
}
console.log(`${stack.stackName}: ${stack.bindings.length} bindings, `
  + `${countOf('AWS::IAM::Role')} IAM roles in all, ${countOf('Custom::AWSCDKCfnJson')} CfnJson custom resources`);

for (const binding of stack.bindings) {
  const roleId = logicalId(binding.role.node.defaultChild as CfnResource);
  const manifestId = logicalId(binding.manifest.node.defaultChild as CfnResource);
  const trust = evaluator.evaluateDocument(resources[roleId].Properties.AssumeRolePolicyDocument);
  const serviceAccounts = (evaluator.evaluateDocument(resources[manifestId].Properties.Manifest) as any[])
    .filter(o => o.metadata.name === binding.serviceAccountName && o.metadata.namespace === binding.serviceAccountNamespace);

  console.log(`\n== ${binding.serviceAccountNamespace}/${binding.serviceAccountName} (${binding.node.path})`);
  console.log(`role: ${roleId} -> ${evaluator.evaluate({ 'Fn::GetAtt': [roleId, 'Arn'] })}`);
  for (const statement of trust.Statement) {
    console.log(`trusted: ${statement.Effect} ${statement.Action} by ${JSON.stringify(statement.Principal)}`);
    for (const [operator, keys] of Object.entries<Record<string, string>>(statement.Condition ?? {})) {
      for (const [key, value] of Object.entries(keys)) console.log(`  ${operator} ${key} = ${value}`);
    }
  }
  const inline: any[] = resources[roleId].Properties.Policies ?? [];
  const separate = Object.values(resources)
    .filter(r => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId));
  for (const statement of [...inline, ...separate.map(r => r.Properties)].flatMap(p => p.PolicyDocument.Statement)) {
    const actions = [statement.Action].flat().join(', ');
    const targets = [statement.Resource].flat().map((r: any) => typeof r === 'string' ? r : JSON.stringify(r)).join(', ');
    console.log(`permission: ${statement.Effect} ${actions} on ${targets}`);
  }
  const shared = binding.manifest.node.scope === binding ? 'its own' : 'shared';
  console.log(`ServiceAccount, applied by ${shared} manifest ${manifestId}:`);
  console.log(serviceAccounts.map((o: any) => stringify(o, { lineWidth: 0 })).join('---\n').replace(/^/gm, '  ').trimEnd());
}
