import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Name of the inline policy that holds what is granted to a binding. */
export const PERMISSIONS_POLICY_NAME = 'IrsaBindingPermissions';

/** The service that EKS Pod Identity assumes roles as. */
export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';

/** Subjects one OIDC provider vouches for. */
export interface OidcTrust {
  readonly provider: iam.IOpenIdConnectProvider;
  /** Exact `sub` values, matched with StringEquals. */
  readonly subjects: string[];
  /** `sub` patterns (`system:serviceaccount:<ns>:*`), matched with StringLike. */
  readonly subjectPatterns: string[];
}

export interface BindingRoleProps {
  /** OIDC trust, one entry per provider; the first is the binding's own. */
  readonly oidc: OidcTrust[];
  readonly audience: string;
  /** Trust EKS Pod Identity too. */
  readonly podIdentity: boolean;
  /** Keep granted permissions in the role's own inline policy rather than in a separate AWS::IAM::Policy. */
  readonly inlinePermissions: boolean;
  readonly roleName?: string;
  readonly description?: string;
  readonly managedPolicies?: iam.IManagedPolicy[];
  readonly inlinePolicies?: { [name: string]: iam.PolicyDocument };
  readonly permissionsBoundary?: iam.IManagedPolicy;
  readonly maxSessionDuration?: Duration;
}

/**
 * An IAM role trusted by exactly the given ServiceAccounts, whose grants land in an inline policy
 * of the role itself when `inlinePermissions` is set: one CloudFormation resource fewer per
 * binding, and no window in which a pod holds the role but not yet its permissions.
 */
export class BindingRole extends iam.Role {
  private readonly permissions?: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: BindingRoleProps) {
    const principals = trustPrincipals(props);
    if (principals.length === 0) {
      throw new Error('a binding role needs at least one trusted principal');
    }
    super(scope, id, {
      assumedBy: principals[0],
      roleName: props.roleName,
      description: props.description,
      managedPolicies: props.managedPolicies,
      inlinePolicies: props.inlinePolicies,
      permissionsBoundary: props.permissionsBoundary,
      maxSessionDuration: props.maxSessionDuration,
    });
    for (const principal of principals.slice(1)) {
      this.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: principal instanceof iam.SessionTagsPrincipal
          ? [principal.assumeRoleAction, 'sts:TagSession']
          : [principal.assumeRoleAction],
        principals: [principal],
      }));
    }

    const cfnRole = this.node.defaultChild as iam.CfnRole;
    if (props.oidc.some(trust => Token.isUnresolved(trust.provider.openIdConnectProviderIssuer))) {
      // CloudFormation cannot take a deploy-time value (the issuer of a new cluster) as a JSON
      // object key, and the trust conditions are keyed by the issuer. AWS::IAM::Role also accepts
      // the document as a JSON string, in which the issuer is joined in: no CfnJson custom
      // resource, and no Lambda, is needed.
      cfnRole.assumeRolePolicyDocument = Stack.of(this).toJsonString(this.assumeRolePolicy);
    }

    if (props.inlinePermissions) {
      const permissions = new iam.PolicyDocument();
      const declared = cfnRole.policies;
      cfnRole.policies = Lazy.any({
        produce: () => {
          const granted = permissions.isEmpty ? [] : [{ policyName: PERMISSIONS_POLICY_NAME, policyDocument: permissions }];
          const all = [...(Array.isArray(declared) ? declared : []), ...granted];
          return all.length > 0 ? all : undefined;
        },
      });
      this.permissions = permissions;
    }
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.permissions) {
      return super.addToPrincipalPolicy(statement);
    }
    this.permissions.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/**
 * One principal (so one trust statement) per provider and match kind. Every OIDC statement pins
 * `aud` with StringEquals; exact subjects are ORed values of one StringEquals key, which keeps
 * the document small against IAM's trust policy quota.
 */
function trustPrincipals(props: BindingRoleProps): iam.IPrincipal[] {
  const principals: iam.IPrincipal[] = [];
  for (const trust of props.oidc) {
    const issuer = trust.provider.openIdConnectProviderIssuer;
    const aud = { [`${issuer}:aud`]: props.audience };
    if (trust.subjects.length > 0) {
      principals.push(new iam.OpenIdConnectPrincipal(trust.provider, {
        StringEquals: { [`${issuer}:sub`]: single(trust.subjects), ...aud },
      }));
    }
    if (trust.subjectPatterns.length > 0) {
      principals.push(new iam.OpenIdConnectPrincipal(trust.provider, {
        StringLike: { [`${issuer}:sub`]: single(trust.subjectPatterns) },
        StringEquals: aud,
      }));
    }
  }
  if (props.podIdentity) {
    principals.push(new iam.SessionTagsPrincipal(new iam.ServicePrincipal(POD_IDENTITY_SERVICE)));
  }
  return principals;
}

function single(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}
