import { createHash } from 'crypto';

/**
 * Evaluates the intrinsic functions of a synthesized template the way CloudFormation would at
 * deploy time, so that tests (and the example's summary) see the documents IAM and the kubectl
 * handler receive. Values only known after deployment (generated names, a new cluster's issuer)
 * are made up deterministically, or shown as `<placeholders>` when `symbolic` is set.
 */
export interface CfnEvalOptions {
  readonly accountId?: string;
  readonly region?: string;
  readonly partition?: string;
  /** Show deploy-time values as `<...>` instead of plausible made-up values. */
  readonly symbolic?: boolean;
  /** Values of `Fn::ImportValue` by export name. */
  readonly imports?: Record<string, string>;
  /** Values of `Ref` by logical id, overriding the built-in guesses. */
  readonly refs?: Record<string, string>;
}

export class CfnEvaluator {
  private readonly resources: Record<string, any>;
  private readonly accountId: string;
  private readonly region: string;
  private readonly partition: string;

  constructor(template: any, private readonly options: CfnEvalOptions = {}) {
    this.resources = template.Resources ?? {};
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.partition = options.partition ?? 'aws';
  }

  public evaluate(value: any): any {
    if (Array.isArray(value)) return value.map(v => this.evaluate(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], value[keys[0]]);
    }
    return Object.fromEntries(keys.map(k => [k, this.evaluate(value[k])]));
  }

  /** Evaluates a value that CloudFormation accepts as object or JSON string, and returns the object. */
  public evaluateDocument(value: any): any {
    const evaluated = this.evaluate(value);
    return typeof evaluated === 'string' ? JSON.parse(evaluated) : evaluated;
  }

  private intrinsic(name: string, arg: any): any {
    switch (name) {
      case 'Ref': return this.ref(arg);
      case 'Fn::GetAtt': return this.getAtt(arg[0], arg[1]);
      case 'Fn::Join': return (this.evaluate(arg[1]) as any[]).join(arg[0]);
      case 'Fn::Split': return String(this.evaluate(arg[1])).split(arg[0]);
      case 'Fn::Select': {
        const list = this.evaluate(arg[1]);
        const index = Number(this.evaluate(arg[0]));
        if (!Array.isArray(list) || index >= list.length) {
          throw new Error(`Fn::Select index ${index} out of range of ${JSON.stringify(list)}`);
        }
        return list[index];
      }
      case 'Fn::ImportValue': {
        const exportName = this.evaluate(arg);
        const imported = this.options.imports?.[exportName];
        if (imported === undefined) throw new Error(`no value given for Fn::ImportValue ${exportName}`);
        return imported;
      }
      case 'Fn::Sub': {
        const [text, variables] = typeof arg === 'string' ? [arg, {}] : [arg[0], this.evaluate(arg[1] ?? {})];
        return (text as string).replace(/\$\{([^}!]+)\}/g, (_, ref: string) => {
          if (ref in variables) return variables[ref];
          const [id, attr] = ref.split(/\.(.+)/);
          return attr ? this.getAtt(id, attr) : this.ref(id);
        });
      }
      default: throw new Error(`intrinsic ${name} is not supported by the test evaluator`);
    }
  }

  private ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': this.accountId,
      'AWS::Region': this.region,
      'AWS::Partition': this.partition,
      'AWS::URLSuffix': this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      'AWS::StackName': 'Stack',
    };
    if (id in pseudo) return pseudo[id];
    if (this.options.refs?.[id] !== undefined) return this.options.refs[id];
    const resource = this.resources[id];
    switch (resource?.Type) {
      case 'AWS::IAM::OIDCProvider':
      case 'Custom::AWSCDKOpenIdConnectProvider': {
        const url = String(this.evaluate(resource.Properties.Url));
        return `arn:${this.partition}:iam::${this.accountId}:oidc-provider/${url.replace(/^https:\/\//, '')}`;
      }
      case 'AWS::IAM::Role':
        return resource.Properties?.RoleName ? this.evaluate(resource.Properties.RoleName) : this.generatedName(id);
      case 'Custom::AWSCDK-EKS-Cluster':
      case 'AWS::EKS::Cluster':
        return resource.Properties?.Config?.name ?? resource.Properties?.Name ?? this.generatedName(id);
      default:
        return this.generatedName(id);
    }
  }

  private getAtt(id: string, attr: string): string {
    const resource = this.resources[id];
    if (resource?.Type === 'AWS::IAM::Role' && attr === 'Arn') {
      const path = resource.Properties?.Path ?? '/';
      return `arn:${this.partition}:iam::${this.accountId}:role${path}${this.ref(id)}`;
    }
    if (attr === 'OpenIdConnectIssuerUrl') {
      const clusterId = this.options.symbolic
        ? `<id of ${id}>`
        : createHash('sha256').update(id).digest('hex').slice(0, 32).toUpperCase();
      return `https://oidc.eks.${this.region}.amazonaws.com/id/${clusterId}`;
    }
    return this.options.symbolic ? `<${id}.${attr}>` : `${id}-${attr}`;
  }

  private generatedName(id: string): string {
    return this.options.symbolic ? `<generated name of ${id}>` : `${id}-GENERATED`;
  }
}
