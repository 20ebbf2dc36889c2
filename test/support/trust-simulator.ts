import { createValidatedPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';

/** A web identity request to STS, as IAM evaluates it against a role's trust policy. */
export interface AssumeRequest {
  /** ARN of the OIDC provider that vouches for the token. */
  readonly provider: string;
  /** Context keys of the request: `<issuer>:sub`, `<issuer>:aud`; a missing key is absent from the token. */
  readonly context: Record<string, string>;
  readonly action?: string;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * Asks an independent IAM policy engine (not our code) whether a trust policy lets the request
 * assume the role.
 */
export function simulateAssume(trustPolicy: any, roleArn: string, request: AssumeRequest): Decision {
  const accountId = roleArn.split(':')[4];
  const validated = createValidatedPolicy(trustPolicy, validateTrustPolicy, { name: 'trust' });
  return runUnsafeSimulation({
    request: {
      principal: request.provider,
      action: request.action ?? 'sts:AssumeRoleWithWebIdentity',
      resource: { resource: roleArn, accountId },
      contextVariables: request.context,
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: validated,
  }, {});
}
