/**
 * The merchant console: products with their split, orders and in-store sales, settlement, tips.
 * Lazy-loaded: a member's phone never downloads it.
 */
import { useState } from "react";
import { AccountSecurity } from "../../components/account-security.js";
import { CommandForm } from "../../components/command-form.js";
import { ConsoleLayout } from "../../components/console.js";
import { OrderTable } from "../../components/order-table.js";
import { SplitEditor } from "../../components/split-editor.js";
import { DataTable, moneyColumn } from "../../components/table.js";
import { StatementTable } from "../../components/statement-table.js";
import {
  ActionButton,
  AmountField,
  Card,
  ErrorBox,
  Field,
  Loading,
  Stat,
  Tabs,
} from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Order, type Product, type Split, type StatementAccountName } from "../../lib/api.js";
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
    { to: "/merchant/account", label: t("account.title") },
  ];
  return (
    <ConsoleLayout title={t("merchant.title")} sections={sections} path={path}>
      {path === "/merchant/orders" ? <Orders /> : null}
      {path === "/merchant/sales" ? <InStoreSale /> : null}
      {path === "/merchant/settlement" ? <Settlement /> : null}
      {path === "/merchant/tips" ? <Tips /> : null}
      {path === "/merchant/account" ? <AccountSecurity /> : null}
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
  const [toggleError, setToggleError] = useState<unknown>(null);
  const draft = { name: name.trim(), price: price.trim(), split: ownSplit ? split : null };
  const add = async (key: string) => {
    await api.createProduct(draft, key);
    setName("");
    setPrice("");
    products.reload();
  };
  const toggle = async (product: Product, key: string) => {
    setToggleError(null);
    await api.updateProduct(product.id, { active: !product.active }, key);
    products.reload();
  };
  const ratio = (product: Product, part: keyof Split) =>
    product.split === null ? "—" : formatRatio(product.split[part], locale);
  return (
    <>
      <Card title={t("merchant.products")}>
        <ErrorBox error={toggleError ?? products.error} />
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
                  input={{ id: row.id, active: !row.active }}
                  action={(key) => toggle(row, key)}
                  onError={setToggleError}
                >
                  {row.active ? t("common.yes") : t("common.no")}
                </ActionButton>
              ),
              csv: (row) => row.active,
            },
          ]}
        />
      </Card>
      <CommandForm
        title={t("merchant.addProduct")}
        input={draft}
        submit={add}
        submitLabel={t("merchant.addProduct")}
        disabled={draft.name === "" || draft.price === ""}
        testId="product-add"
      >
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
      </CommandForm>
    </>
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
  const sale = { member: member.trim(), amount: amount.trim() };
  const record = async (key: string) => {
    const outcome = await api.sale(sale, key);
    setAmount("");
    return `#${outcome.position}: +${formatPoints(outcome.points, locale, 2)} ${t("common.points")}`;
  };
  return (
    <CommandForm
      title={t("merchant.inStore")}
      hint={t("merchant.inStoreHint")}
      input={sale}
      submit={record}
      submitLabel={t("common.submit")}
      disabled={sale.member === "" || sale.amount === ""}
      testId="sale-submit"
      doneTestId="sale-done"
    >
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
    </CommandForm>
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
      <MerchantStatement />
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

/** The merchant's statement: settlement cash (sales, till sales, settled orders) or tip points. */
function MerchantStatement() {
  const { t } = useI18n();
  const [account, setAccount] = useState<StatementAccountName>("cash");
  // Extension point: a merchant's prepaid balance (issue #13) becomes a third account here.
  return (
    <Card title={t("statement.merchant")}>
      <Tabs<StatementAccountName>
        value={account}
        onChange={setAccount}
        options={[
          { value: "cash", label: t("statement.merchantCash") },
          { value: "points", label: t("statement.merchantPoints") },
        ]}
      />
      <StatementTable account={account} load={api.merchantStatement} name="merchant-statement" />
    </Card>
  );
}

function Tips() {
  const { t } = useI18n();
  const { user } = useSession();
  const [member, setMember] = useState("");
  const [points, setPoints] = useState("");
  const gift = { merchant: user?.merchantId ?? "", member: member.trim(), points: points.trim() };
  const send = async (key: string) => `#${(await api.tip(gift, key)).position}`;
  return (
    <CommandForm title={t("merchant.tipSend")} input={gift} submit={send} submitLabel={t("common.submit")}>
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
    </CommandForm>
  );
}
