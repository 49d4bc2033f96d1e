// The sandbox provider for demos and tests: nothing leaves the process; a payment is "paid" when
// the service's existing sandbox confirmation says so, refunds and transfers succeed at once.
import type {
  Acknowledgement,
  Bill,
  ClientAction,
  NotificationResult,
  PaymentMethod,
  PaymentProvider,
  PaymentStatus,
  RefundInput,
  RefundStatus,
  TransferInput,
  TransferStatus,
} from "../provider.js";

export class SandboxProvider implements PaymentProvider {
  readonly name = "sandbox" as const;
  readonly methods: readonly PaymentMethod[] = ["sandbox"];

  createPayment(): Promise<ClientAction> {
    return Promise.resolve({ kind: "sandbox" });
  }

  /** The sandbox never notifies: its payments are confirmed through the service's own route. */
  verifyNotification(): NotificationResult {
    return { ok: false, rejection: "notification_event_unsupported" };
  }

  acknowledge(received: boolean): Acknowledgement {
    return { status: received ? 204 : 400, body: "" };
  }

  queryPayment(reference: string): Promise<PaymentStatus> {
    return Promise.resolve({ reference, state: "pending", amountFen: 0n });
  }

  refund(input: RefundInput): Promise<RefundStatus> {
    const { refundReference, amountFen } = input;
    return Promise.resolve({ refundReference, state: "succeeded", amountFen });
  }

  queryRefund(refundReference: string): Promise<RefundStatus> {
    return Promise.resolve({ refundReference, state: "succeeded", amountFen: 0n });
  }

  transfer(input: TransferInput): Promise<TransferStatus> {
    const { transferReference, amountFen } = input;
    return Promise.resolve({ transferReference, state: "succeeded", amountFen });
  }

  queryTransfer(transferReference: string): Promise<TransferStatus> {
    return Promise.resolve({ transferReference, state: "succeeded", amountFen: 0n });
  }

  downloadBill(date: string): Promise<Bill> {
    return Promise.resolve({ kind: "lines", date, lines: [] });
  }
}
