// A CDK app as a cdk-irsa user writes it, compiled and synthesized by scripts/verify-consumer-ts.ts
// in a fresh project outside the repository, against the packed npm tarball.
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaBinding, IrsaBindingProps } from 'cdk-irsa';

const app = new App();
const stack = new Stack(app, 'IrsaConsumer', { env: { account: '111111111111', region: 'us-east-1' } });

const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
  clusterName: 'prod',
  kubectlRoleArn: 'arn:aws:iam::111111111111:role/prod-kubectl',
  openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Provider',
    'arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CONSUMER0123456789ABCDEF'),
});
const ledger = new s3.Bucket(stack, 'Ledger');

const reader = new IrsaBinding(stack, 'LedgerReader', { cluster, namespace: 'payments' });
ledger.grantRead(reader);

const metricsProps: IrsaBindingProps = {
  cluster,
  namespace: 'observability',
  serviceAccountName: 'metrics-publisher',
  labels: { 'app.kubernetes.io/part-of': 'observability' },
};
const metrics = new IrsaBinding(stack, 'MetricsPublisher', metricsProps);

// the declarations are typed: a wrong member here fails the consumer's tsc
const subjects: string[] = [reader.subject, metrics.subject];
new CfnOutput(stack, 'Subjects', { value: subjects.join(',') });
new CfnOutput(stack, 'ReaderRoleArn', { value: reader.roleArn });

app.synth();
