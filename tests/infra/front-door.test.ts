/**
 * The browser front door (issue 11 item 6) in the example trust's stack: the REST API and its paths,
 * the trust's domain, AWS WAF and its association, access logs; and the web function's bundle, run from
 * the synthesized asset folder to prove it finds its templates and assets without the source tree.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrustConfig, type TrustConfig } from '#core/config/trust-config.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { createTrustStack, type TrustStack } from '#lib/trust-stack.ts';
import { pageProblems } from '#tests/support/page-check.ts';

const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };

let config: TrustConfig;
let stack: TrustStack;
let template: Template;
let assemblyDir: string;

const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;

beforeAll(() => {
  config = loadTrustConfig('example');
  const app = new App({ context, outdir: mkdtempSync(join(tmpdir(), 'attend-front-door-')) });
  stack = createTrustStack(app, config);
  template = Template.fromStack(stack);
  assemblyDir = app.synth().directory;
  // Bundling every function with esbuild while other test files run in parallel can take over a minute
  // on two cores.
}, 240_000);

describe('the REST API', () => {
  it('is regional, reachable only through the trust’s domain, and treats every body as binary', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'attend-example-front-door',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      DisableExecuteApiEndpoint: true,
      BinaryMediaTypes: ['*/*'],
    });
  });

  it('sends /, /staff, /staff/…, /auth/…, /p/… and /assets/… to the web function as a Lambda proxy', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const parts = Object.values(resources).map((r) => r.Properties.PathPart);
    expect(parts.sort()).toEqual(
      ['{proxy+}', '{proxy+}', '{proxy+}', '{proxy+}', 'assets', 'auth', 'p', 'staff'].sort(),
    );
    const methods = template.findResources('AWS::ApiGateway::Method');
    expect(Object.keys(methods)).toHaveLength(6);
    const web = logicalId(stack.web!.fn);
    for (const method of Object.values(methods)) {
      expect(method.Properties).toMatchObject({
        HttpMethod: 'ANY',
        AuthorizationType: 'NONE',
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(web);
    }
  });

  it('answers a path outside those with a plain 404', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
    });
  });

  it('logs every request as JSON to an encrypted log group, without the path (parent links carry a token)', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]?.Properties;
    expect(stage).toMatchObject({ StageName: 'live', TracingEnabled: true });
    const format = JSON.parse(String(stage?.AccessLogSetting.Format)) as Record<string, string>;
    expect(format).toMatchObject({
      status: '$context.status',
      resource: '$context.resourcePath',
      ip: '$context.identity.sourceIp',
    });
    expect(Object.values(format)).not.toContain('$context.path');
    expect(JSON.stringify(stage?.AccessLogSetting.DestinationArn)).toContain(
      logicalId(stack.frontDoor!.accessLogs),
    );
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/apigateway/attend-example-front-door',
      KmsKeyId: Match.anyValue(),
      RetentionInDays: 90,
    });
  });

  it('lets only the REST API invoke the web function', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes(logicalId(stack.web!.fn)),
    );
    expect(permissions.length).toBe(6);
    for (const p of permissions) {
      expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(p.Properties.SourceArn)).toContain(logicalId(stack.frontDoor!.api));
    }
  });
});

describe('the trust’s domain', () => {
  it('is a regional custom domain with the configured certificate and TLS 1.2, mapped to the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'attend.example-community.nhs.uk',
      RegionalCertificateArn: config.frontDoor?.certificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      DomainName: { Ref: logicalId(stack.frontDoor!.domain) },
      RestApiId: { Ref: logicalId(stack.frontDoor!.api) },
    });
  });

  it('gets an alias record in the configured hosted zone', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'attend.example-community.nhs.uk.',
      Type: 'A',
      HostedZoneId: 'Z0123456789EXAMPLE01',
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
  });
});

describe('AWS WAF', () => {
  const rules = () =>
    Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]?.Properties.Rules as {
      Name: string;
      Priority: number;
      Statement: Record<string, unknown>;
      Action?: unknown;
      OverrideAction?: unknown;
    }[];

  it('is a regional web ACL that allows by default', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
  });

  it('limits each address, and each address on parent links more tightly, answering 429', () => {
    const byName = Object.fromEntries(rules().map((r) => [r.Name, r]));
    expect(byName.RateLimit?.Statement).toEqual({
      RateBasedStatement: { Limit: 2000, EvaluationWindowSec: 300, AggregateKeyType: 'IP' },
    });
    expect(byName.ParentLinkRateLimit?.Statement).toMatchObject({
      RateBasedStatement: {
        Limit: 300,
        AggregateKeyType: 'IP',
        ScopeDownStatement: {
          ByteMatchStatement: {
            SearchString: '/p/',
            PositionalConstraint: 'STARTS_WITH',
            FieldToMatch: { UriPath: {} },
          },
        },
      },
    });
    for (const name of ['RateLimit', 'ParentLinkRateLimit']) {
      expect(byName[name]?.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    }
  });

  it('runs the AWS managed common rule set, letting only the import page take a large body', () => {
    const byName = Object.fromEntries(rules().map((r) => [r.Name, r]));
    expect(byName.AWSManagedRulesCommonRuleSet).toMatchObject({
      OverrideAction: { None: {} },
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: 'AWS',
          Name: 'AWSManagedRulesCommonRuleSet',
          RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
        },
      },
    });
    expect(byName.LargeBodyOnlyOnImport).toMatchObject({
      Action: { Block: {} },
      Statement: {
        AndStatement: {
          Statements: [
            { LabelMatchStatement: { Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } },
            { NotStatement: { Statement: { ByteMatchStatement: { SearchString: '/staff/import' } } } },
          ],
        },
      },
    });
    // The common rule set runs after the rate limits and before the large-body rule that reads its label.
    const priority = (name: string) => rules().find((r) => r.Name === name)?.Priority ?? -1;
    expect(priority('AWSManagedRulesCommonRuleSet')).toBeLessThan(priority('LargeBodyOnlyOnImport'));
  });

  it('is associated with the REST API’s stage', () => {
    const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'))[0]?.Properties;
    const stage = stack.resolve(
      (stack.frontDoor!.api.deploymentStage.node.defaultChild as unknown as { logicalId: string }).logicalId,
    );
    expect(JSON.stringify(association?.ResourceArn)).toMatch(
      new RegExp(`/restapis/.*${logicalId(stack.frontDoor!.api)}.*/stages/.*${stage}`),
    );
    expect(association?.WebACLArn).toEqual({
      'Fn::GetAtt': [stack.resolve(stack.frontDoor!.webAcl.logicalId), 'Arn'],
    });
  });

  it('logs blocked and counted requests with cookies, paths and queries redacted', () => {
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'cookie' } }, { UriPath: {} }, { QueryString: {} }],
      LoggingFilter: Match.objectLike({ DefaultBehavior: 'DROP' }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-attend-example' });
  });
});

describe('the web function', () => {
  it('may read the OIDC client secret, the consent key and the page cursor key, and no other secret', () => {
    const oidc = config.staffAccess.oidc;
    const secretArn =
      oidc?.clientAuth.method === 'client_secret_basic' ? oidc.clientAuth.secretArn : undefined;
    expect(secretArn).toBeDefined();
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(stack.web!.role)))
      .flatMap(
        (p) =>
          p.Properties.PolicyDocument.Statement as { Sid?: string; Action: unknown; Resource: unknown }[],
      );
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager'))).toEqual([
      // It texts and may create clients, so it hashes numbers for their consent (bindConsentKey); its
      // pages list through the route table, whose page cursors are signed with the cursor key.
      expect.objectContaining({
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: [
          { Ref: logicalId(stack.consentKey) },
          { Ref: logicalId(stack.node.findChild('CursorKey').node.findChild('Secret')) },
        ],
      }),
      expect.objectContaining({
        Sid: 'ReadOidcClientSecret',
        Action: 'secretsmanager:GetSecretValue',
        Resource: secretArn,
      }),
    ]);
  });

  it('is created with the front door, with the table, the bus and its own alarms', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'attend-example-web-app',
      Runtime: 'nodejs22.x',
      ReservedConcurrentExecutions: 20,
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'web-app', TABLE_NAME: Match.anyValue() }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.web!.fn) } }],
    });
  });

  it('is absent, with no REST API or WAF, when the config has no frontDoor', () => {
    const { frontDoor: _, ...withoutFrontDoor } = loadTrustConfig('example');
    const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const bare = Template.fromStack(createTrustStack(app, parseTrustConfig(withoutFrontDoor)));
    bare.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    bare.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(
      bare.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'attend-example-web-app' } }),
    ).toEqual({});
  });

  it('renders pages and serves assets from its bundle alone, away from the source tree', async () => {
    // Prepare: the synthesized asset folder, copied where neither the templates nor nhsuk-frontend can be
    // found in node_modules; only the AWS SDK, which Lambda's runtime provides, is linked in.
    const fn = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: 'attend-example-web-app' },
    });
    const s3Key = String(Object.values(fn)[0]?.Properties.Code.S3Key);
    const bundle = mkdtempSync(join(tmpdir(), 'attend-web-bundle-'));
    cpSync(join(assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`), bundle, { recursive: true });
    mkdirSync(join(bundle, 'node_modules'));
    symlinkSync(resolve('node_modules/@aws-sdk'), join(bundle, 'node_modules/@aws-sdk'));
    const environment = Object.values(fn)[0]?.Properties.Environment.Variables as Record<string, unknown>;
    expect(environment.WEB_ORIGIN).toBe('https://attend.example-community.nhs.uk');
    Object.assign(process.env, {
      TABLE_NAME: 'attend-example',
      METRICS_TABLE_NAME: 'attend-example-metrics',
      EVENT_BUS_NAME: 'attend-example',
      AWS_REGION: 'eu-west-2',
      WEB_ORIGIN: environment.WEB_ORIGIN,
      // Read from Secrets Manager only when a number is first hashed, which no page here does.
      CONSENT_KEY_SECRET_ARN:
        'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/example/consent-key-AbCdEf',
      // Likewise read only when a page first signs or checks a cursor.
      CURSOR_KEY_SECRET_ARN:
        'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/example/cursor-key-AbCdEf',
    });
    const { handler } = (await import(pathToFileURL(join(bundle, 'index.mjs')).href)) as {
      handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
    };
    const get = (path: string, headers: Record<string, string> = {}) =>
      handler(
        {
          httpMethod: 'GET',
          path,
          resource: '/{proxy+}',
          headers: { Host: 'attend.example-community.nhs.uk', 'X-Forwarded-Proto': 'https', ...headers },
          multiValueHeaders: {},
          queryStringParameters: null,
          multiValueQueryStringParameters: null,
          pathParameters: null,
          stageVariables: null,
          requestContext: { requestId: 'test' } as never,
          body: null,
          isBase64Encoded: false,
        },
        {
          functionName: 'attend-example-web-app',
          awsRequestId: 'test',
          getRemainingTimeInMillis: () => 29_000,
        } as Context,
      );

    // Act
    const notFound = await get('/staff/no-such-page');
    const html = Buffer.from(notFound.body, 'base64').toString('utf8');
    const css = html.match(/href="(\/assets\/staff-[0-9a-f]+\.css)"/)?.[1] ?? '';
    const asset = await get(css, { 'Accept-Encoding': 'br' });

    // Assess: nhsuk-frontend's header and the layout rendered, the hashed stylesheet is served.
    expect(notFound.statusCode).toBe(404);
    expect(pageProblems(html)).toEqual([]);
    expect(html).toContain('class="nhsuk-header');
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).toContain(config.trustName);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers?.['content-encoding']).toBe('br');
    expect(brotliDecompressSync(Buffer.from(asset.body, 'base64')).toString('utf8')).toContain(
      '.nhsuk-header',
    );
  });
});
