import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Name of the inline policy that holds what is granted to a binding. */
export const PERMISSIONS_POLICY_NAME = 'IrsaBindingPermissions';

export interface BindingRoleProps {
  readonly provider: iam.IOpenIdConnectProvider;
  readonly subject: string;
  readonly audience: string;
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
 * An IAM role trusted by one ServiceAccount, whose grants land in an inline policy of the role
 * itself when `inlinePermissions` is set: one CloudFormation resource fewer per binding, and no
 * window in which a pod holds the role but not yet its permissions.
 */
export class BindingRole extends iam.Role {
  private readonly permissions?: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: BindingRoleProps) {
    const issuer = props.provider.openIdConnectProviderIssuer;
    super(scope, id, {
      assumedBy: new iam.OpenIdConnectPrincipal(props.provider, {
        StringEquals: {
          [`${issuer}:sub`]: props.subject,
          [`${issuer}:aud`]: props.audience,
        },
      }),
      roleName: props.roleName,
      description: props.description,
      managedPolicies: props.managedPolicies,
      inlinePolicies: props.inlinePolicies,
      permissionsBoundary: props.permissionsBoundary,
      maxSessionDuration: props.maxSessionDuration,
    });

    const cfnRole = this.node.defaultChild as iam.CfnRole;
    if (Token.isUnresolved(issuer)) {
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
