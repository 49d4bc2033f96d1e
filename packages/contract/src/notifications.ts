/**
 * The schemas of staff accounts, webhooks and members' in-app messages (issue 13, items 3 and 5):
 * requests and answers. Their operations are in staff-operations.ts.
 */
import { z } from "zod";
import {
  idField,
  pageQuery,
  passwordField,
  tenantField,
  textField,
  timeOut,
  usernameField,
} from "./fields.js";
import { STAFF_ROLES } from "./roles.js";
import { roleSchema } from "./views.js";

export const staffRoleSchema = z.enum(STAFF_ROLES).meta({ id: "StaffRole" });

export const createStaffInviteRequest = z
  .strictObject({ role: staffRoleSchema })
  .meta({ id: "CreateStaffInviteRequest" });

/** An invite's code is shown once, here; the service keeps only its hash. */
export const staffInviteSchema = z
  .strictObject({
    code: z.string(),
    role: staffRoleSchema,
    merchantId: z.string().nullable(),
    expiresAt: timeOut,
  })
  .meta({ id: "StaffInvite" });

export const registerStaffRequest = z
  .strictObject({
    tenant: tenantField,
    inviteCode: textField(64),
    username: usernameField,
    password: passwordField,
  })
  .meta({ id: "RegisterStaffRequest" });

export const staffMemberSchema = z
  .strictObject({
    id: z.string(),
    username: z.string(),
    role: roleSchema,
    merchantId: z.string().nullable(),
    createdAt: timeOut,
  })
  .meta({ id: "StaffMember" });

export const staffListSchema = z
  .strictObject({ items: z.array(staffMemberSchema) })
  .meta({ id: "StaffList" });

/** The events an endpoint can subscribe to (docs/OPERATIONS.md, webhooks). */
export const WEBHOOK_EVENTS = [
  "order.paid",
  "points.issued",
  "position.exited",
  "withdrawal.requested",
  "withdrawal.approved",
  "withdrawal.paid",
  "withdrawal.failed",
  "rules.changed",
  "scheme.paused",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS).meta({ id: "WebhookEvent" });

export const createWebhookRequest = z
  .strictObject({
    url: z
      .string()
      .max(2000)
      .regex(/^\P{Cc}*$/u),
    events: z.array(webhookEventSchema).min(1).max(WEBHOOK_EVENTS.length),
  })
  .meta({ id: "CreateWebhookRequest" });

export const webhookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(webhookEventSchema),
    createdAt: timeOut,
  })
  .meta({ id: "Webhook" });

/** The answer to a registration: the signing secret, shown this once. */
export const createdWebhookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(webhookEventSchema),
    createdAt: timeOut,
    secret: z.string().meta({ description: "the HMAC-SHA256 key of the signatures; shown only here" }),
  })
  .meta({ id: "CreatedWebhook" });

export const webhookListSchema = z
  .strictObject({ items: z.array(webhookSchema) })
  .meta({ id: "WebhookList" });

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

export const webhookDeliverySchema = z
  .strictObject({
    id: z.string(),
    webhook: z.string(),
    url: z.string(),
    event: webhookEventSchema,
    eventId: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.int().min(0),
    lastStatusCode: z
      .int()
      .nullable()
      .meta({ description: "the receiver's HTTP status of the last attempt" }),
    lastError: z
      .string()
      .nullable()
      .meta({ description: "why the last attempt failed, when it had no answer" }),
    nextAttemptAt: timeOut.nullable(),
    deliveredAt: timeOut.nullable(),
    createdAt: timeOut,
  })
  .meta({ id: "WebhookDelivery" });

export const webhookDeliveryPageSchema = z
  .strictObject({ items: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() })
  .meta({ id: "WebhookDeliveryPage" });

export const webhookDeliveryQuery = pageQuery;

export const MEMBER_MESSAGE_KINDS = [
  "exit_reached",
  "withdrawal_approved",
  "withdrawal_paid",
  "withdrawal_rejected",
] as const;

export const memberMessageSchema = z
  .strictObject({
    id: z.string(),
    kind: z.enum(MEMBER_MESSAGE_KINDS),
    /** What the web's i18n text of the kind fills in (position, amount, withdrawal). */
    data: z.record(z.string(), z.string()),
    createdAt: timeOut,
    read: z.boolean(),
  })
  .meta({ id: "MemberMessage" });

export const memberMessagePageSchema = z
  .strictObject({
    items: z.array(memberMessageSchema),
    unread: z.int().min(0),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "MemberMessagePage" });

export const markMessagesReadRequest = z
  .strictObject({ upTo: idField.meta({ description: "every message up to this id (included) is read" }) })
  .meta({ id: "MarkMessagesReadRequest" });

export const unreadCountSchema = z.strictObject({ unread: z.int().min(0) }).meta({ id: "UnreadCount" });

export type StaffInvite = z.output<typeof staffInviteSchema>;
export type RegisterStaffRequest = z.input<typeof registerStaffRequest>;
export type StaffMember = z.output<typeof staffMemberSchema>;
export type StaffList = z.output<typeof staffListSchema>;
export type Webhook = z.output<typeof webhookSchema>;
export type WebhookList = z.output<typeof webhookListSchema>;
export type CreatedWebhook = z.output<typeof createdWebhookSchema>;
export type WebhookDelivery = z.output<typeof webhookDeliverySchema>;
export type WebhookDeliveryPage = z.output<typeof webhookDeliveryPageSchema>;
export type MemberMessage = z.output<typeof memberMessageSchema>;
export type MemberMessagePage = z.output<typeof memberMessagePageSchema>;
