import { RemovalPolicy } from 'aws-cdk-lib';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

export interface TwoWayNumberProps {
  readonly trustId: string;
  /** ISO 3166 alpha-2 country of the number; a dedicated number texts only phones of its own country. */
  readonly isoCountryCode: string;
  /**
   * LONG_CODE is a real number on the carrier network; SIMULATOR texts only AWS's simulator numbers.
   * @default 'LONG_CODE'
   */
  readonly numberType?: 'LONG_CODE' | 'SIMULATOR';
  /**
   * Where End User Messaging publishes every reply, STOP and HELP included. Its topic policy and key
   * policy must let sms-voice.amazonaws.com publish (the stack's own inbound topic does).
   */
  readonly inboundTopic: sns.ITopic;
  /**
   * The number's HELP and STOP keyword replies. With self-managed opt-outs AWS sends neither (Attend
   * answers), but the resource requires both, and they are what AWS would send if self-managed opt-outs
   * were ever switched off, so they are the trust's own words.
   */
  readonly keywordReplies: { readonly help: string; readonly stop: string };
  /**
   * The E.164 number the functions send from (sender.originationNumber). When set, a deploy in which the
   * created number is any other number fails, instead of the functions texting from a number that is
   * not this one.
   * @default - no check: the number is new and its E.164 is not known until this deploy creates it
   */
  readonly expectedE164?: string;
}

/**
 * The trust's dedicated two-way number in AWS End User Messaging SMS: replies go to the inbound topic,
 * opt-outs are self-managed, and the number outlives the stack.
 *
 * Self-managed opt-outs are the point. AWS lists CANCEL among its required opt-out keywords: with
 * AWS-managed opt-outs a parent replying CANCEL to cancel an appointment would be silently unsubscribed
 * from every text and the appointment left booked, and STOP and HELP would be answered by AWS and never
 * reach Attend. Self-managed, every reply reaches the inbound topic and Attend answers it.
 */
export class TwoWayNumber extends Construct {
  readonly phoneNumber: smsvoice.CfnPhoneNumber;
  /** The number in E.164, known once the deploy has created it. */
  readonly e164: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: TwoWayNumberProps) {
    super(scope, id);
    this.phoneNumber = new smsvoice.CfnPhoneNumber(this, 'PhoneNumber', {
      isoCountryCode: props.isoCountryCode,
      numberType: props.numberType ?? 'LONG_CODE',
      numberCapabilities: ['SMS'],
      // No ChannelRole: without one End User Messaging publishes as sms-voice.amazonaws.com, which the
      // inbound topic's policy and the trust key's policy already allow for this account. A role would
      // need the same sns:Publish on the topic plus kms:GenerateDataKey*/kms:Decrypt on its key.
      twoWay: { enabled: true, channelArn: props.inboundTopic.topicArn },
      selfManagedOptOutsEnabled: true,
      mandatoryKeywords: {
        help: { message: props.keywordReplies.help },
        stop: { message: props.keywordReplies.stop },
      },
      // Families know the trust by this number, and a released number cannot be got back: neither a
      // stack deletion nor a replacement may release it.
      deletionProtectionEnabled: true,
    });
    this.phoneNumber.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // Turning two-way on points the number at the topic: the topic's policy (a child of a topic this
    // stack creates) must already let End User Messaging publish to it.
    this.phoneNumber.node.addDependency(props.inboundTopic);
    this.e164 = this.phoneNumber.attrPhoneNumber;
    this.arn = this.phoneNumber.attrArn;

    if (props.expectedE164 !== undefined) {
      // CloudFormation cannot compare a created value with a literal, but SSM rejects a parameter value
      // that does not match its AllowedPattern: this parameter fails the deploy (and it rolls back) when
      // the config names a number other than the one the stack holds.
      new ssm.StringParameter(this, 'OriginationNumberCheck', {
        parameterName: `/attend/${props.trustId}/origination-number`,
        description:
          "The trust's two-way number. AllowedPattern is sender.originationNumber from the trust config, so a deploy whose config names another number fails here.",
        stringValue: this.e164,
        allowedPattern: `^${props.expectedE164.replace(/[+]/g, '\\+')}$`,
        tier: ssm.ParameterTier.STANDARD,
      });
    }
  }
}
