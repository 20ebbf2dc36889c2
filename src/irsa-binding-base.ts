import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BindingParts } from './private/binding-core';

/**
 * What every kind of binding exposes: the role, its trust and the ServiceAccount it is for.
 */
export abstract class IrsaBindingBase extends Construct implements iam.IGrantable {
  /**
   * The parts the shared core built, set by the subclass's constructor.
   *
   * @internal
   */
  protected _parts!: BindingParts;

  /**
   * The IAM OIDC identity provider that the role trusts.
   *
   * @default - none with `IdentityType.POD_IDENTITY`, unless one was given
   */
  public get openIdConnectProvider(): iam.IOpenIdConnectProvider | undefined {
    return this._parts.openIdConnectProvider;
  }

  /** The role assumed by the pods that run as the ServiceAccount. */
  public get role(): iam.IRole {
    return this._parts.role;
  }

  /** ARN of the role, as the ServiceAccount is annotated with it. */
  public get roleArn(): string {
    return this._parts.roleArn;
  }

  /** The principal to grant permissions to: the role. */
  public get grantPrincipal(): iam.IPrincipal {
    return this._parts.role;
  }

  /** Name of the Kubernetes ServiceAccount. */
  public get serviceAccountName(): string {
    return this._parts.serviceAccountName;
  }

  /** Namespace of the Kubernetes ServiceAccount. */
  public get serviceAccountNamespace(): string {
    return this._parts.serviceAccountNamespace;
  }

  /** The `sub` claim the role trusts: `system:serviceaccount:<namespace>:<name>`. */
  public get subject(): string {
    return this._parts.subject;
  }

  /** The `aud` claim the role trusts. */
  public get audience(): string {
    return this._parts.audience;
  }

  /**
   * Adds a statement to the role's permissions.
   */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this._parts.role.addToPrincipalPolicy(statement);
  }
}
