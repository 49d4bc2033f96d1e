/**
 * The checkout of one order (issue 12): the member chooses how to pay (what fits the device: WeChat
 * Pay inside WeChat, Alipay or WeChat H5 on a phone, a QR code on a desktop), then this page waits:
 * it polls the order's payment (the server asks the provider meanwhile) and moves on once paid.
 * Alipay's cashier sends the member back here after paying.
 */
import { useEffect, useRef, useState } from "react";
import { QrCode } from "../../components/qr-code.js";
import { ActionButton, Card, ErrorBox, Loading, Notice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type OrderPayment, type OrderPaymentState, type ProviderPaymentMethod } from "../../lib/api.js";
import { formatMoney } from "../../lib/format.js";
import { currentPaymentPlace, paymentMethodsFor } from "../../lib/payment-methods.js";
import { Link, useLocation } from "../../lib/router.js";

const POLL_MS = 2000;
type Action = OrderPayment["action"];

/** The order's payment, polled every two seconds while the order still waits for it. */
function usePaymentState(id: number): { state: OrderPaymentState | undefined; error: unknown } {
  const [state, setState] = useState<OrderPaymentState | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    let timer = 0;
    const poll = async () => {
      try {
        const next = await api.orderPayment(id);
        if (!live) return;
        setState(next);
        setError(null);
        if (next.order.status !== "created") return;
      } catch (reason) {
        if (live) setError(reason);
      }
      if (live) timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [id]);
  return { state, error };
}

declare global {
  interface Window {
    WeixinJSBridge?: { invoke(name: string, parameters: unknown, done: (answer: unknown) => void): void };
  }
}

/** Does what the provider asked for: open its cashier, or start WeChat's in-app payment. */
function follow(action: Action): void {
  if (action.kind === "redirect" && action.url !== undefined) window.location.assign(action.url);
  if (action.kind === "jsapi" && action.jsapi !== undefined)
    window.WeixinJSBridge?.invoke("getBrandWCPayRequest", action.jsapi, () => undefined);
}

function ActionView({ action }: { action: Action }) {
  const { t } = useI18n();
  if (action.kind === "qr" && action.codeUrl !== undefined) {
    const wechat = action.codeUrl.startsWith("weixin:");
    return (
      <div className="checkout-qr">
        <QrCode text={action.codeUrl} size={220} label={t("checkout.qrLabel")} testId="payment-qr" />
        <p>{wechat ? t("checkout.scanWechat") : t("checkout.scanAlipay")}</p>
      </div>
    );
  }
  if (action.kind === "redirect" && action.url !== undefined)
    return (
      <p>
        {t("checkout.redirecting")} <a href={action.url}>{t("checkout.openPayPage")}</a>
      </p>
    );
  if (action.kind === "jsapi" && window.WeixinJSBridge === undefined)
    return <Notice tone="warn">{t("checkout.openInWechat")}</Notice>;
  return null;
}

export function CheckoutPage({ id }: { id: number }) {
  const { t, locale } = useI18n();
  const { params } = useLocation();
  const { state, error } = usePaymentState(id);
  const [action, setAction] = useState<Action | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);
  const methods = paymentMethodsFor(currentPaymentPlace());
  const start = async (method: ProviderPaymentMethod, key: string) => {
    setRefusal(null);
    const answer = await api.requestOrderPayment(id, method, key);
    setAction(answer.action);
    follow(answer.action);
  };
  // Coming from the shop with a method chosen: start it once (a reload repeats the same request).
  const chosen = methods.find((method) => method === params.get("method"));
  const started = useRef("");
  useEffect(() => {
    if (chosen === undefined || started.current === `${id}-${chosen}`) return;
    started.current = `${id}-${chosen}`;
    start(chosen, `checkout-${id}-${chosen}`).catch((reason: unknown) => setRefusal(reason));
  }, [id, chosen]);
  if (state === undefined) return error === null ? <Loading /> : <ErrorBox error={error} />;
  const { order } = state;
  const waiting = order.status === "created";
  return (
    <div className="page">
      <h1>{t("checkout.title")}</h1>
      <Card title={t("checkout.order", { order: order.id, product: order.productName })}>
        <div className="product-price" data-testid="checkout-amount">
          {formatMoney(order.amount, locale)}
        </div>
        <ErrorBox error={refusal ?? error} />
        {state.paid && order.status !== "refunded" ? (
          <Notice tone="ok">
            <span data-testid="payment-paid">{t("shop.paid", { order: order.id })}</span>{" "}
            <Link to="/positions">{t("nav.positions")} ›</Link>
          </Notice>
        ) : null}
        {order.status === "cancelled" || order.status === "refunded" ? (
          <Notice>
            <span data-testid="order-status">{t(`orders.status.${order.status}`)}</span>
          </Notice>
        ) : null}
        {state.refund === null ? null : (
          <Notice tone={state.refund.state === "failed" ? "warn" : "info"}>
            <span data-testid="payment-refund">{t(`checkout.refund.${state.refund.state}`)}</span>
          </Notice>
        )}
        {waiting && action !== null ? <ActionView action={action} /> : null}
        {waiting && (action !== null || state.attempt !== null) ? (
          <Notice>
            <span data-testid="payment-waiting">{t("checkout.waiting")}</span>
          </Notice>
        ) : null}
        {waiting && action === null ? (
          <div className="form">
            <p className="muted small">{t("checkout.choose")}</p>
            {methods.map((method) => (
              <ActionButton
                key={method}
                className="btn btn-primary btn-block"
                input={method}
                action={(key) => start(method, key)}
                onError={setRefusal}
                data-testid={`pay-${method}`}
              >
                {t(`checkout.method.${method}`)}
              </ActionButton>
            ))}
          </div>
        ) : null}
        <p>
          <Link to="/shop">{t("checkout.back")}</Link>
        </p>
      </Card>
    </div>
  );
}
