/**
 * Jest setup (setupFilesAfterEnv): every time a test synthesizes a stack with `Template.fromStack`,
 * 1. every CloudFormation template of that app (nested stacks and other stacks included) is written
 *    to `.tmp/cfn-templates/<content hash>.template.json`, so that `npx projen lint:cfn` runs
 *    cfn-lint over them after jest; identical templates are written once;
 * 2. every binding's trust policy in the stack is checked: every Allow statement must pin
 *    `<issuer>:sub` and `<issuer>:aud` (see trust-shape.ts), whatever the test looks at.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnEvaluator } from './cfn-eval';
import { trustPolicyProblems } from './trust-shape';
import { BindingRole } from '../../src/private/role';

export const TEMPLATE_DIR = path.join(__dirname, '..', '..', '.tmp', 'cfn-templates');

// An App without an outdir synthesizes into a new temporary directory and copies its assets there
// (the kubectl and AWS CLI layers, tens of MB each); hundreds of tests filled the disk that way.
// No test reads an asset, so they stay where they are (the context every App reads from the
// environment, as the CDK CLI passes it).
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  ...JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}'),
  'aws:cdk:disable-asset-staging': true,
});

/** Any `Fn::ImportValue` is taken to be an OIDC provider ARN: the shape check needs no real value. */
const ANY_IMPORT = new Proxy({}, {
  get: (_, name) => `arn:aws:iam::123456789012:oidc-provider/imported.example.com/${String(name)}`,
}) as Record<string, string>;

function recordTemplates(stack: Stack): void {
  const stage = Stage.of(stack);
  if (!stage) return;
  // synthesized already by Template.fromStack: this returns the same assembly
  const directory = stage.synth().directory;
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  for (const file of readdirSync(directory).filter(f => f.endsWith('.template.json'))) {
    const text = readFileSync(path.join(directory, file), 'utf-8');
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 20);
    const target = path.join(TEMPLATE_DIR, `${hash}.template.json`);
    if (!existsSync(target)) writeFileSync(target, text);
  }
}

function checkBindingTrust(stack: Stack, template: any): void {
  const evaluator = new CfnEvaluator(template, { imports: ANY_IMPORT });
  for (const role of stack.node.findAll().filter((c): c is BindingRole => c instanceof BindingRole && Stack.of(c) === stack)) {
    const logicalId = stack.getLogicalId(role.node.defaultChild as any);
    const document = template.Resources?.[logicalId]?.Properties?.AssumeRolePolicyDocument;
    const problems = trustPolicyProblems(evaluator.evaluateDocument(document), { subjectFormat: false });
    if (problems.length > 0) {
      throw new Error(`trust policy of binding role ${role.node.path} does not pin sub and aud:\n  ${problems.join('\n  ')}`);
    }
  }
}

const fromStack = Template.fromStack;
Template.fromStack = (stack, templateParsingOptions) => {
  const template = fromStack.call(Template, stack, templateParsingOptions);
  recordTemplates(stack);
  checkBindingTrust(stack, template.toJSON());
  return template;
};
