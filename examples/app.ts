import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { App, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { IrsaBinding } from '../src';

/**
 * The bundled example: a new EKS cluster with two IRSA bindings, one of them granted read
 * access to a bucket.
 */
export class IrsaExampleStack extends Stack {
  public readonly cluster: eks.Cluster;
  public readonly bindings: IrsaBinding[];

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.cluster = new eks.Cluster(this, 'Cluster', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: new KubectlV33Layer(this, 'KubectlLayer'),
      defaultCapacity: 0,
    });

    const ledger = new s3.Bucket(this, 'Ledger', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const reader = new IrsaBinding(this, 'LedgerReader', {
      cluster: this.cluster,
      namespace: 'payments',
    });
    ledger.grantRead(reader);

    const metrics = new IrsaBinding(this, 'MetricsPublisher', {
      cluster: this.cluster,
      namespace: 'observability',
      serviceAccountName: 'metrics-publisher',
      labels: { 'app.kubernetes.io/part-of': 'observability' },
    });
    metrics.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'Payments' } },
    }));

    this.bindings = [reader, metrics];
  }
}

export function buildExampleApp(outdir?: string): { app: App; stack: IrsaExampleStack } {
  const app = new App({
    outdir,
    context: {
      // known availability zones keep the VPC from falling back to dummy ones
      'availability-zones:account=111111111111:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      // the cluster's own OIDC provider becomes a native AWS::IAM::OIDCProvider, not a custom resource
      '@aws-cdk/aws-eks:useNativeOidcProvider': true,
    },
  });
  const stack = new IrsaExampleStack(app, 'IrsaExample', {
    env: { account: '111111111111', region: 'us-east-1' },
  });
  return { app, stack };
}
