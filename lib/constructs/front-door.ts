/**
 * The browser front door: HTTPS on the trust's own domain, AWS WAF, and an API Gateway REST API
 * (regional) that hands each request to the web function as a Lambda proxy event.
 *
 * Why a REST API and not CloudFront in front of the function URL: CloudFront's Origin Access Control
 * signs requests to a Lambda function URL only if a POST carries the SHA-256 of its body in
 * x-amz-content-sha256, which a plain HTML form cannot send, and the staff app and parent pages must
 * work without JavaScript. An origin secret header instead would need rotating. A regional REST API
 * takes WAF directly, invokes the function with IAM (no secret), and a form POST is just a POST.
 */
import { ArnFormat, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { type FrontDoorConfig, hostedZoneName } from '#core/config/front-door.ts';
import { acknowledge } from '../nag.ts';
import type { AttendFunction } from './attend-function.ts';
import { retentionDays } from './attend-function.ts';

export interface FrontDoorProps {
  readonly trustId: string;
  readonly config: FrontDoorConfig;
  /** The web function (functions/web-app.ts). */
  readonly web: AttendFunction;
  readonly encryptionKey: kms.IKey;
  readonly logRetentionDays: number;
}

/**
 * The paths the web function serves (the same split the local runtime makes): `/`, `/staff…`,
 * `/auth/…`, `/p/…` and `/assets/…`. Anything else is not a resource, and the REST API answers 404.
 */
export const WEB_RESOURCES = ['staff', 'auth', 'p', 'assets'] as const;

/** Labels the AWS managed common rule set puts on a request whose body is over 8 KB. */
const SIZE_RESTRICTIONS_BODY_LABEL = 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body';
/** The only page that takes a large body: an EPR export of up to 1 MB. */
const LARGE_BODY_PATH = '/staff/import';

export class FrontDoor extends Construct {
  readonly api: apigateway.RestApi;
  readonly domain: apigateway.DomainName;
  readonly webAcl: wafv2.CfnWebACL;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    const { config, trustId } = props;
    const retention = retentionDays(props.logRetentionDays);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/attend-${trustId}-front-door`,
      retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `attend-${trustId}-front-door`,
      description: `Attend for browsers (staff app and parent pages) on ${config.domainName}`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Only through the trust's domain (and so only through WAF and the certificate the trust chose).
      disableExecuteApiEndpoint: true,
      // Browsers' Accept headers cannot be relied on to name a binary type, so every body is binary:
      // uploads arrive byte for byte and the function answers in base64 (functions/web/proxy.ts).
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'live',
        tracingEnabled: true,
        metricsEnabled: true,
        // A burst the function's reserved concurrency can absorb; WAF limits each address well below it.
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        // No path or query: a parent link's token is in its path. resourcePath names the area instead.
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            resource: '$context.resourcePath',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            waf: '$context.wafResponseCode',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    const integration = new apigateway.LambdaIntegration(props.web.fn, {
      proxy: true,
      allowTestInvoke: false,
    });
    const methods: apigateway.Method[] = [this.api.root.addMethod('ANY', integration)];
    for (const area of WEB_RESOURCES) {
      const resource = this.api.root.addResource(area);
      if (area === 'staff') methods.push(resource.addMethod('ANY', integration));
      methods.push(resource.addResource('{proxy+}').addMethod('ANY', integration));
    }
    // A path outside the web's areas is a plain 404, not API Gateway's "Missing Authentication Token".
    this.api.addGatewayResponse('UnknownPath', {
      type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: {
        'Content-Type': "'text/plain; charset=utf-8'",
        'X-Content-Type-Options': "'nosniff'",
        'Strict-Transport-Security': "'max-age=31536000; includeSubDomains'",
      },
      templates: { 'text/plain': 'Page not found' },
    });
    for (const method of methods) {
      const cfn = method.node.defaultChild as apigateway.CfnMethod;
      acknowledge(
        cfn,
        'AwsSolutions-APIG4',
        'Browser pages: staff are authenticated by the web function (OpenID Connect sign-in, server-side session, role checks on every page); parents by a personal link and a date-of-birth check. API Gateway authorizers cannot do either.',
      );
      acknowledge(
        cfn,
        'AwsSolutions-COG4',
        'Staff sign in with the trust’s own identity provider (Entra ID or NHS CIS2) over OpenID Connect, handled by the web function; Cognito is not used.',
      );
    }
    const stage = this.api.deploymentStage.node.defaultChild as apigateway.CfnStage;
    acknowledge(
      this.api.node.defaultChild as apigateway.CfnRestApi,
      'AwsSolutions-APIG2',
      'A Lambda proxy for HTML pages and form posts: every request is validated by the web function (zod schemas, CSRF tokens, size limits), which API Gateway request models cannot express.',
    );
    acknowledge(
      stage,
      'AwsSolutions-APIG6',
      'Access logs (JSON, every request) and the web function’s own logs and X-Ray traces cover each request; execution logging needs the account-wide API Gateway CloudWatch role, which is the trust cloud team’s account-level setting, and at INFO it could log request data.',
    );
    acknowledge(
      stage,
      'HIPAA.Security-APIGWExecutionLoggingEnabled',
      'Access logs (JSON, every request) and the web function’s own logs and X-Ray traces cover each request; execution logging needs the account-wide API Gateway CloudWatch role, which is the trust cloud team’s account-level setting.',
    );
    acknowledge(
      stage,
      'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      'Pages show personal data and are answered Cache-Control: no-store; a stage cache would keep them. Static assets are cached by browsers (content-hashed names, a year).',
    );
    acknowledge(
      stage,
      'HIPAA.Security-APIGWSSLEnabled',
      'The backend is a Lambda function invoked with IAM by API Gateway, not an HTTP endpoint: there is no backend TLS connection for a client certificate to authenticate.',
    );

    this.domain = new apigateway.DomainName(this, 'Domain', {
      domainName: config.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn),
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    this.domain.addBasePathMapping(this.api, { stage: this.api.deploymentStage });

    if (config.hostedZoneId) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: config.hostedZoneId,
        zoneName: hostedZoneName(config),
      });
      new route53.ARecord(this, 'Alias', {
        zone,
        recordName: config.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(this.domain)),
      });
    }

    this.webAcl = this.createWebAcl(trustId, config);
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    this.logBlockedRequests(trustId, retention, props.encryptionKey);

    new CfnOutput(Stack.of(this), 'FrontDoorUrl', {
      value: `https://${config.domainName}/`,
      description: 'The staff app and parent pages (browser front door)',
    });
    new CfnOutput(Stack.of(this), 'FrontDoorTarget', {
      value: this.domain.domainNameAliasDomainName,
      description: config.hostedZoneId
        ? 'The regional API Gateway domain the alias record points at'
        : `Point a CNAME for ${config.domainName} at this regional API Gateway domain`,
    });
  }

  private createWebAcl(trustId: string, config: FrontDoorConfig): wafv2.CfnWebACL {
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `attend-${trustId}-${name}`,
      // Sampled requests would show full paths, and a parent link's token is in its path.
      sampledRequestsEnabled: false,
    });
    const uriStartsWith = (prefix: string): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: prefix,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    const tooManyRequests: wafv2.CfnWebACL.RuleActionProperty = {
      block: { customResponse: { responseCode: 429 } },
    };
    return new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `attend-${trustId}-front-door`,
      description: 'Attend browser front door: per-address rate limits and the AWS managed common rule set',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('front-door'),
      rules: [
        {
          name: 'ParentLinkRateLimit',
          priority: 0,
          action: tooManyRequests,
          statement: {
            rateBasedStatement: {
              limit: config.parentLinkRateLimitPerFiveMinutes,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: uriStartsWith('/p/'),
            },
          },
          visibilityConfig: visibility('parent-link-rate-limit'),
        },
        {
          name: 'RateLimit',
          priority: 1,
          action: tooManyRequests,
          statement: {
            rateBasedStatement: {
              limit: config.rateLimitPerFiveMinutes,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility('rate-limit'),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 2,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // Bodies over 8 KB are only counted (and labelled) here; the next rule blocks them except on
              // the import page, whose EPR export may be up to 1 MB.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('common-rule-set'),
        },
        {
          name: 'LargeBodyOnlyOnImport',
          priority: 3,
          action: { block: {} },
          statement: {
            andStatement: {
              statements: [
                { labelMatchStatement: { scope: 'LABEL', key: SIZE_RESTRICTIONS_BODY_LABEL } },
                { notStatement: { statement: uriStartsWith(LARGE_BODY_PATH) } },
              ],
            },
          },
          visibilityConfig: visibility('large-body'),
        },
      ],
    });
  }

  /**
   * Logs the requests WAF blocked or counted (not every allowed one), with the cookie, path and query
   * redacted: a session id is in the cookie and a parent link's token in the path.
   */
  private logBlockedRequests(trustId: string, retention: logs.RetentionDays, key: kms.IKey): void {
    const group = new logs.LogGroup(this, 'WafLogs', {
      // WAF writes only to log groups whose names start with aws-waf-logs-.
      logGroupName: `aws-waf-logs-attend-${trustId}`,
      retention,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      // The log group's ARN without CloudFormation's trailing ":*", as WAF expects it.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: group.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'cookie' } }, { uriPath: {} }, { queryString: {} }],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
  }
}
