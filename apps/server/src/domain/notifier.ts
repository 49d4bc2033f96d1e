/**
 * How a member hears of a message outside the app: SMS and WeChat template messages behind one
 * interface. The default only logs (pino, through the service's logger); a deployment with an SMS
 * gateway or a WeChat official account supplies its own Notifier to buildApp.
 */
import type { FastifyBaseLogger } from "fastify";

export interface MemberNotice {
  tenant: string;
  member: string;
  /** The message kind (exit_reached, withdrawal_paid, withdrawal_rejected): the template to use. */
  kind: string;
  data: Record<string, string>;
}

export type NoticeChannel = "sms" | "wechat";

export interface Notifier {
  /** Sends a notice on a channel; a failure is logged by the caller and never retried into the app's inbox. */
  send(channel: NoticeChannel, notice: MemberNotice): Promise<void>;
}

/** The default: one log line per notice and channel, nothing sent. */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: FastifyBaseLogger) {}

  send(channel: NoticeChannel, notice: MemberNotice): Promise<void> {
    this.logger.info(
      { channel, ...notice },
      `notice ${notice.kind} for ${notice.member} (${channel}, log only)`,
    );
    return Promise.resolve();
  }
}
