/**
 * The merchant console: products with their split, orders and in-store sales, settlement, tips.
 * Lazy-loaded: a member's phone never downloads it.
 */
import { useState } from "react";
import { ConsoleLayout } from "../../components/console.js";
import { SplitEditor } from "../../components/split-editor.js";
import { DataTable, moneyColumn, pointsColumn } from "../../components/table.js";
import {
  ActionButton,
  AmountField,
  Card,
  ErrorBox,
  Field,
  Loading,
  Notice,
  Stat,
} from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Order, type Product, type Split } from "../../lib/api.js";
import { formatMoney, formatPoints, formatRatio } from "../../lib/format.js";
import { useLocation } from "../../lib/router.js";
import { useSession } from "../../lib/session.js";
import { loadAll, useData } from "../../lib/use-data.js";

export default function MerchantConsole() {
  const { t } = useI18n();
  const { path } = useLocation();
  const sections = [
    { to: "/merchant", label: t("merchant.products") },
    { to: "/merchant/orders", label: t("merchant.orders") },
    { to: "/merchant/sales", label: t("merchant.inStore") },
    { to: "/merchant/settlement", label: t("merchant.settlement") },
    { to: "/merchant/tips", label: t("merchant.tips") },
  ];
  return (
    <ConsoleLayout title={t("merchant.title")} sections={sections} path={path}>
      {path === "/merchant/orders" ? <Orders /> : null}
      {path === "/merchant/sales" ? <InStoreSale /> : null}
      {path === "/merchant/settlement" ? <Settlement /> : null}
      {path === "/merchant/tips" ? <Tips /> : null}
      {path === "/merchant" ? <Products /> : null}
    </ConsoleLayout>
  );
}

const EMPTY_SPLIT: Split = {
  productCost: "0.3",
  distributionCost: "0.3",
  platformProfit: "0.1",
  poolContribution: "0.3",
};

function Products() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const products = useData(() => api.products(user?.merchantId ?? undefined));
  const [name, setName] = useState("");
  const [price, setPrice] = useState("");
  const [split, setSplit] = useState<Split>(EMPTY_SPLIT);
  const [ownSplit, setOwnSplit] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const add = async () => {
    setError(null);
    await api.createProduct({ name: name.trim(), price: price.trim(), split: ownSplit ? split : null });
    setName("");
    setPrice("");
    products.reload();
  };
  const toggle = async (product: Product) => {
    setError(null);
    await api.updateProduct(product.id, { active: !product.active });
    products.reload();
  };
  const ratio = (product: Product, part: keyof Split) =>
    product.split === null ? "—" : formatRatio(product.split[part], locale);
  return (
    <>
      <Card title={t("merchant.products")}>
        <ErrorBox error={products.error} />
        <DataTable<Product>
          name="products"
          rows={products.data?.items ?? []}
          rowKey={(row) => row.id}
          columns={[
            { key: "id", label: t("common.id") },
            { key: "name", label: t("common.name") },
            moneyColumn("price", t("common.price"), locale),
            {
              key: "productCost",
              label: t("split.productCost"),
              numeric: true,
              render: (row) => ratio(row, "productCost"),
              csv: (row) => row.split?.productCost ?? "",
            },
            {
              key: "distributionCost",
              label: t("split.distributionCost"),
              numeric: true,
              render: (row) => ratio(row, "distributionCost"),
              csv: (row) => row.split?.distributionCost ?? "",
            },
            {
              key: "platformProfit",
              label: t("split.platformProfit"),
              numeric: true,
              render: (row) => ratio(row, "platformProfit"),
              csv: (row) => row.split?.platformProfit ?? "",
            },
            {
              key: "poolContribution",
              label: t("split.poolContribution"),
              numeric: true,
              render: (row) => ratio(row, "poolContribution"),
              csv: (row) => row.split?.poolContribution ?? "",
            },
            {
              key: "active",
              label: t("common.status"),
              render: (row) => (
                <ActionButton
                  className="btn btn-small btn-ghost"
                  action={() => toggle(row)}
                  onError={setError}
                >
                  {row.active ? t("common.yes") : t("common.no")}
                </ActionButton>
              ),
              csv: (row) => row.active,
            },
          ]}
        />
      </Card>
      <Card title={t("merchant.addProduct")}>
        <div className="form">
          <Field
            label={t("common.name")}
            name="product-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <AmountField
            label={t("common.price")}
            name="product-price"
            value={price}
            onChange={(event) => setPrice(event.target.value)}
          />
          <label className="row small">
            <input
              type="checkbox"
              style={{ width: "auto" }}
              checked={ownSplit}
              onChange={(event) => setOwnSplit(event.target.checked)}
            />
            {t("merchant.ownSplit")}
          </label>
          {ownSplit ? <SplitEditor value={split} onChange={setSplit} /> : null}
          <ErrorBox error={error} />
          <ActionButton
            className="btn btn-primary"
            action={add}
            onError={setError}
            disabled={name.trim() === "" || price.trim() === ""}
            data-testid="product-add"
          >
            {t("merchant.addProduct")}
          </ActionButton>
        </div>
      </Card>
    </>
  );
}

export function OrderTable({ orders, name = "orders" }: { orders: Order[]; name?: string }) {
  const { t, locale } = useI18n();
  return (
    <DataTable<Order>
      name={name}
      rows={orders}
      rowKey={(row) => row.id}
      exportAll={() => loadAll((cursor) => api.orders(cursor))}
      columns={[
        { key: "id", label: t("common.id") },
        { key: "member", label: t("common.member") },
        { key: "merchant", label: t("common.merchant") },
        { key: "productId", label: t("shop.title") },
        moneyColumn("amount", t("common.amount"), locale),
        pointsColumn("points", t("common.points"), locale),
        { key: "status", label: t("common.status") },
        { key: "paidDay", label: t("common.day"), numeric: true },
        { key: "createdAt", label: t("common.date") },
      ]}
    />
  );
}

function Orders() {
  const { t } = useI18n();
  const orders = useData(() => api.orders());
  return (
    <Card title={t("merchant.orders")}>
      <ErrorBox error={orders.error} />
      {orders.data === undefined ? <Loading /> : <OrderTable orders={orders.data.items} />}
    </Card>
  );
}

function InStoreSale() {
  const { t, locale } = useI18n();
  const [member, setMember] = useState("");
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const record = async () => {
    setError(null);
    setDone(null);
    const outcome = await api.sale(member.trim(), amount.trim());
    setDone(`#${outcome.position}: +${formatPoints(outcome.points, locale, 2)} ${t("common.points")}`);
    setAmount("");
  };
  return (
    <Card title={t("merchant.inStore")}>
      <div className="form">
        <p className="muted small">{t("merchant.inStoreHint")}</p>
        <Field
          label={t("merchant.memberId")}
          name="sale-member"
          value={member}
          onChange={(event) => setMember(event.target.value)}
        />
        <AmountField
          label={t("common.amount")}
          name="sale-amount"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
        />
        <ErrorBox error={error} />
        <ActionButton
          className="btn btn-primary"
          action={record}
          onError={setError}
          disabled={member.trim() === "" || amount.trim() === ""}
          data-testid="sale-submit"
        >
          {t("common.submit")}
        </ActionButton>
        {done === null ? null : (
          <Notice tone="ok">
            <span data-testid="sale-done">{done}</span>
          </Notice>
        )}
      </div>
    </Card>
  );
}

const ORDER_STATUSES: Order["status"][] = ["created", "paid", "settled", "refunded", "cancelled"];

/** The merchant's balances as the engine holds them, and its online orders by status (server figures). */
function SettlementCard() {
  const { t, locale } = useI18n();
  const settlement = useData(() => api.merchantSettlement());
  const data = settlement.data;
  return (
    <Card title={t("merchant.settlement")}>
      <ErrorBox error={settlement.error} />
      {data === undefined ? (
        settlement.error ? null : (
          <Loading />
        )
      ) : (
        <>
          <div className="stats">
            <Stat
              label={t("merchant.settlementBalance")}
              value={formatMoney(data.settlement, locale)}
              testId="merchant-settlement"
            />
            <Stat label={t("merchant.tipPoints")} value={formatPoints(data.points, locale, 2)} />
            <Stat label={t("merchant.shares")} value={formatPoints(data.shares, locale, 2)} />
          </div>
          <h3>{t("merchant.onlineOrders")}</h3>
          <DataTable<Order["status"]>
            rows={ORDER_STATUSES}
            rowKey={(status) => status}
            columns={[
              { key: "status", label: t("common.status"), render: (status) => t(`orders.status.${status}`) },
              {
                key: "count",
                label: t("merchant.orderCount"),
                numeric: true,
                render: (status) => String(data.onlineOrders[status].count),
              },
              {
                key: "total",
                label: t("common.total"),
                numeric: true,
                render: (status) => formatMoney(data.onlineOrders[status].total, locale),
              },
            ]}
          />
          <p className="muted small">{t("merchant.settlementHint")}</p>
        </>
      )}
    </Card>
  );
}

function Settlement() {
  const orders = useData(() => loadAll((cursor) => api.orders(cursor, "settled")));
  return (
    <>
      <SettlementCard />
      <Card>
        <ErrorBox error={orders.error} />
        {orders.data === undefined ? (
          orders.error ? null : (
            <Loading />
          )
        ) : (
          <OrderTable orders={orders.data} name="settled-orders" />
        )}
      </Card>
    </>
  );
}

function Tips() {
  const { t } = useI18n();
  const { user } = useSession();
  const [member, setMember] = useState("");
  const [points, setPoints] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const send = async () => {
    setError(null);
    const outcome = await api.tip(user?.merchantId ?? "", member.trim(), points.trim());
    setDone(`#${outcome.position}`);
  };
  return (
    <Card title={t("merchant.tipSend")}>
      <div className="form">
        <Field
          label={t("merchant.memberId")}
          name="tip-member"
          value={member}
          onChange={(event) => setMember(event.target.value)}
        />
        <AmountField
          label={t("common.points")}
          name="tip-points"
          value={points}
          onChange={(event) => setPoints(event.target.value)}
        />
        <ErrorBox error={error} />
        <ActionButton className="btn btn-primary" action={send} onError={setError}>
          {t("common.submit")}
        </ActionButton>
        {done === null ? null : <Notice tone="ok">{done}</Notice>}
      </div>
    </Card>
  );
}
