/** Products to buy with the sandbox payment provider; an order earns points once paid and settled. */
import { useState } from "react";
import { ActionButton, Card, ErrorBox, Loading, Notice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Order, type Product, type ProviderPaymentMethod } from "../../lib/api.js";
import { formatMoney, formatPoints, formatRatio } from "../../lib/format.js";
import { currentPaymentPlace, paymentMethodsFor } from "../../lib/payment-methods.js";
import { Link, navigate } from "../../lib/router.js";
import { DataTable, moneyColumn, pointsColumn } from "../../components/table.js";
import { useData } from "../../lib/use-data.js";

export function ShopPage() {
  const { t } = useI18n();
  const products = useData(() => api.products());
  const merchants = useData(() => api.merchants());
  const rules = useData(() => api.rules());
  // Bumped after each purchase so the order list below reloads.
  const [generation, setGeneration] = useState(0);
  if (products.error) return <ErrorBox error={products.error} />;
  if (products.data === undefined) return <Loading />;
  const names = new Map((merchants.data?.items ?? []).map((m) => [m.id, m.name]));
  const refundDays = Number(rules.data?.current.rules.refundWindowDays ?? 0);
  const defaultPoolShare = rules.data?.current.rules.split?.poolContribution ?? null;
  return (
    <div className="page">
      <h1>{t("shop.title")}</h1>
      <Notice>
        {t("shop.sandbox")} {refundDays > 0 ? t("shop.refundWindow", { days: refundDays }) : null}
      </Notice>
      {products.data.items.length === 0 ? <p className="muted">{t("shop.empty")}</p> : null}
      <div className="grid">
        {products.data.items.map((product) => (
          <ProductCard
            key={product.id}
            product={product}
            merchant={names.get(product.merchant) ?? product.merchant}
            poolShare={product.split?.poolContribution ?? defaultPoolShare}
            onBought={() => setGeneration((n) => n + 1)}
          />
        ))}
      </div>
      <MyOrders generation={generation} />
    </div>
  );
}

/** The member's orders; inside the refund window a paid order can be refunded (no pool effect). */
function MyOrders({ generation }: { generation: number }) {
  const { t, locale } = useI18n();
  const orders = useData(() => api.orders(), [generation]);
  const [error, setError] = useState<unknown>(null);
  const undo = async (order: Order, key: string) => {
    setError(null);
    await api.refundOrder(order.id, key);
    orders.reload();
  };
  const rows = orders.data?.items ?? [];
  if (rows.length === 0) return null;
  return (
    <Card title={t("orders.title")}>
      <ErrorBox error={error ?? orders.error} />
      <DataTable<Order>
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          { key: "id", label: t("common.id") },
          moneyColumn("amount", t("common.amount"), locale),
          pointsColumn("points", t("common.points"), locale),
          { key: "status", label: t("common.status"), render: (row) => t(`orders.status.${row.status}`) },
          {
            key: "actions",
            label: t("common.actions"),
            render: (row) =>
              row.status === "paid" || row.status === "created" ? (
                <ActionButton
                  className="btn btn-small btn-ghost"
                  action={(key) => undo(row, key)}
                  onError={setError}
                >
                  {row.status === "paid" ? t("orders.refund") : t("orders.cancel")}
                </ActionButton>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

function ProductCard({
  product,
  merchant,
  poolShare,
  onBought,
}: {
  product: Product;
  merchant: string;
  poolShare: string | null;
  onBought: () => void;
}) {
  const { t, locale } = useI18n();
  const [order, setOrder] = useState<Order | null>(null);
  // Two taps to pay: "buy" shows the amount and the confirmation.
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One key for the purchase: a retry creates no second order (the server answers with the first)
  // and pays it at most once (its own key, derived from the purchase's).
  const buy = async (key: string) => {
    setError(null);
    const created = await api.createOrder(product.id, 1, key);
    const paid = await api.payOrder(created.id, `${key}.pay`);
    setOrder(paid);
    setConfirming(false);
    onBought();
  };
  // Paying through WeChat Pay or Alipay: the order, then its checkout page with the method chosen.
  const buyOnline = async (method: ProviderPaymentMethod, key: string) => {
    setError(null);
    const created = await api.createOrder(product.id, 1, key);
    navigate(`/orders/${created.id}?method=${method}`);
  };
  return (
    <Card>
      <div className="product" data-testid={`product-${product.id}`}>
        <div className="product-name">{product.name}</div>
        <div className="muted small">{merchant}</div>
        <div className="product-price">{formatMoney(product.price, locale)}</div>
        {poolShare === null ? null : (
          <div className="muted small">{t("shop.poolShare", { share: formatRatio(poolShare, locale) })}</div>
        )}
        {confirming ? (
          <div className="row">
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)}>
              {t("common.cancel")}
            </button>
            <ActionButton
              className="btn btn-primary"
              style={{ flex: 1 }}
              action={buy}
              onError={setError}
              data-testid={`confirm-${product.id}`}
            >
              {t("shop.buyConfirm", { amount: formatMoney(product.price, locale) })}
            </ActionButton>
          </div>
        ) : null}
        {confirming ? (
          <div className="pay-methods">
            <span className="muted small">{t("shop.payOnline")}</span>
            {paymentMethodsFor(currentPaymentPlace()).map((method) => (
              <ActionButton
                key={method}
                className="btn btn-small"
                input={method}
                action={(key) => buyOnline(method, key)}
                onError={setError}
                data-testid={`buy-${method}-${product.id}`}
              >
                {t(`checkout.method.${method}`)}
              </ActionButton>
            ))}
          </div>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-block"
            onClick={() => {
              setConfirming(true);
              setOrder(null);
              setError(null);
            }}
            data-testid={`buy-${product.id}`}
          >
            {t("shop.buy")}
          </button>
        )}
        <ErrorBox error={error} />
        {order === null ? null : order.status === "settled" && order.points !== null ? (
          <Notice tone="ok">
            <span data-testid="order-result">
              {t("shop.paid", { order: order.id })} · +{formatPoints(order.points, locale, 2)}{" "}
              {t("common.points")}
            </span>{" "}
            <Link to={order.position === null ? "/positions" : `/positions/${order.position}`}>
              {t("nav.positions")} ›
            </Link>
          </Notice>
        ) : (
          <Notice>
            <span data-testid="order-result">
              {order.status === "paid" ? t("shop.paid", { order: order.id }) : t("shop.pending")}
            </span>
          </Notice>
        )}
      </div>
    </Card>
  );
}
