/**
 * The merchant console: products with their split, orders and in-store sales, settlement, tips.
 * Lazy-loaded: a member's phone never downloads it.
 */
import { useState } from "react";
import { MERCHANT_STAFF_ROLES } from "@zengzhi/contract/roles";
import { AccountSecurity } from "../../components/account-security.js";
import { StaffSection } from "../../components/staff.js";
import { CommandForm } from "../../components/command-form.js";
import { ConsoleLayout } from "../../components/console.js";
import { OrderTable } from "../../components/order-table.js";
import { SplitEditor } from "../../components/split-editor.js";
import { DataTable, moneyColumn, pointsColumn } from "../../components/table.js";
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
import {
  api,
  type MerchantPrepaid,
  type Order,
  type Product,
  type Sale,
  type SaleOutcome,
  type Split,
  type StatementAccountName,
} from "../../lib/api.js";
import { formatDateTime, formatMoney, formatPoints, formatRatio } from "../../lib/format.js";
import { useLocation } from "../../lib/router.js";
import { useSession } from "../../lib/session.js";
import { type Loaded, loadAll, useData } from "../../lib/use-data.js";
import { ProviderTopUp, TipBuyFromPrepaid } from "./top-up.js";

export default function MerchantConsole() {
  const { t } = useI18n();
  const { path } = useLocation();
  const { user } = useSession();
  // A cashier runs the till only (its one operation, recordSale); the merchant sees everything.
  if (user?.role === "cashier") return <CashierConsole path={path} />;
  const sections = [
    { to: "/merchant", label: t("merchant.products") },
    { to: "/merchant/orders", label: t("merchant.orders") },
    { to: "/merchant/sales", label: t("merchant.inStore") },
    { to: "/merchant/settlement", label: t("merchant.settlement") },
    { to: "/merchant/tips", label: t("merchant.tips") },
    { to: "/merchant/staff", label: t("staff.cashiers") },
    { to: "/merchant/account", label: t("account.title") },
  ];
  return (
    <ConsoleLayout title={t("merchant.title")} sections={sections} path={path}>
      {path === "/merchant/orders" ? <Orders /> : null}
      {path === "/merchant/sales" ? <InStoreSale /> : null}
      {path === "/merchant/settlement" ? <Settlement /> : null}
      {path === "/merchant/tips" ? <Tips /> : null}
      {path === "/merchant/staff" ? <StaffSection roles={MERCHANT_STAFF_ROLES} manage /> : null}
      {path === "/merchant/account" ? <AccountSecurity /> : null}
      {path === "/merchant" ? <Products /> : null}
    </ConsoleLayout>
  );
}

function CashierConsole({ path }: { path: string }) {
  const { t } = useI18n();
  const sections = [
    { to: "/merchant", label: t("merchant.inStore") },
    { to: "/merchant/account", label: t("account.title") },
  ];
  return (
    <ConsoleLayout title={t("merchant.title")} sections={sections} path={path}>
      {path === "/merchant/account" ? <AccountSecurity /> : <InStoreSale />}
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
  /** The product whose deactivation waits for a second, confirming tap. */
  const [confirming, setConfirming] = useState<string | null>(null);
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
    setConfirming(null);
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
              render: (row) =>
                row.active && confirming !== row.id ? (
                  // Taking a product off sale asks once more (issue 13): one tap only opens the question.
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    data-testid={`deactivate-${row.id}`}
                    onClick={() => setConfirming(row.id)}
                  >
                    {t("common.yes")}
                  </button>
                ) : (
                  <span className="row">
                    {row.active ? <span>{t("merchant.deactivateConfirm")}</span> : null}
                    <ActionButton
                      className={row.active ? "btn btn-small btn-danger" : "btn btn-small btn-ghost"}
                      input={{ id: row.id, active: !row.active }}
                      action={(key) => toggle(row, key)}
                      onError={setToggleError}
                      data-testid={row.active ? `deactivate-confirm-${row.id}` : `activate-${row.id}`}
                    >
                      {row.active ? t("merchant.deactivate") : t("common.no")}
                    </ActionButton>
                    {row.active ? (
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        onClick={() => setConfirming(null)}
                      >
                        {t("common.cancel")}
                      </button>
                    ) : null}
                  </span>
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

/** The till: the member's payment code (scanned by a code scanner, which types it, or typed) and the amount. */
function InStoreSale() {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const { user } = useSession();
  const merchant = user?.merchantId ?? "";
  const prepaid = useData(() => api.merchantPrepaid(merchant));
  const [code, setCode] = useState("");
  const [amount, setAmount] = useState("");
  const [receipt, setReceipt] = useState<SaleOutcome | null>(null);
  const [voided, setVoided] = useState(false);
  const [voidError, setVoidError] = useState<unknown>(null);
  const sale = { code: code.replace(/\s/g, ""), amount: amount.trim() };
  const sales = useData(() => api.sales());
  const record = async (key: string) => {
    const outcome = await api.sale(sale, key);
    setCode("");
    setAmount("");
    setReceipt(outcome);
    setVoided(false);
    prepaid.reload();
    sales.reload();
    return `#${outcome.position}: +${formatPoints(outcome.points, locale, 2)} ${t("common.points")}`;
  };
  const cancel = async (key: string) => {
    if (receipt === null || receipt.position === null) return;
    setVoidError(null);
    await api.voidSale(receipt.position, key);
    setVoided(true);
    prepaid.reload();
  };
  return (
    <>
      <CommandForm
        title={t("merchant.inStore")}
        hint={t("merchant.inStoreHint")}
        input={sale}
        submit={record}
        submitLabel={t("common.submit")}
        disabled={sale.code === "" || sale.amount === ""}
        testId="sale-submit"
        doneTestId="sale-done"
      >
        <Field
          label={t("merchant.payCode")}
          name="sale-code"
          inputMode="numeric"
          autoComplete="off"
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <AmountField
          label={t("common.amount")}
          name="sale-amount"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
        />
      </CommandForm>
      {receipt === null ? null : (
        <Card title={t("merchant.receipt")}>
          <div className="stats" data-testid="sale-receipt">
            <Stat label={t("merchant.memberId")} value={receipt.member} />
            <Stat label={t("common.amount")} value={formatMoney(receipt.amount, locale)} />
            <Stat label={t("common.points")} value={formatPoints(receipt.points ?? "0", locale, 2)} />
            <Stat label={t("merchant.prepaidDebited")} value={formatMoney(receipt.prepaidDebited, locale)} />
          </div>
          <ErrorBox error={voidError} />
          {voided ? (
            <p className="muted" data-testid="sale-voided">
              {t("merchant.saleVoided")}
            </p>
          ) : (
            <ActionButton
              className="btn btn-ghost"
              input={{ void: receipt.position }}
              action={cancel}
              onError={setVoidError}
              data-testid="sale-void"
            >
              {t("merchant.voidSale")}
            </ActionButton>
          )}
        </Card>
      )}
      <PrepaidCard prepaid={prepaid} />
      <ProviderTopUp onCredited={prepaid.reload} />
      <Card title={t("merchant.sales")}>
        <ErrorBox error={sales.error} />
        {sales.data === undefined ? (
          sales.error ? null : (
            <Loading />
          )
        ) : (
          <DataTable<Sale>
            name="sales"
            rows={sales.data.items}
            rowKey={(row) => row.id}
            exportAll={() => loadAll((cursor) => api.sales(cursor))}
            columns={[
              {
                key: "at",
                label: t("common.date"),
                render: (row) => formatDateTime(row.at, locale, timeZone),
              },
              { key: "member", label: t("field.member") },
              moneyColumn("amount", t("common.amount"), locale),
              { key: "productName", label: t("merchant.product"), render: (row) => row.productName ?? "—" },
              pointsColumn("points", t("common.points"), locale),
              { key: "cashier", label: t("merchant.cashier") },
            ]}
          />
        )}
      </Card>
    </>
  );
}

/** The merchant's prepaid balance, what till sales are paid from, and a top-up through the provider. */
function PrepaidCard({ prepaid }: { prepaid: Loaded<MerchantPrepaid> }) {
  const { t, locale } = useI18n();
  const [amount, setAmount] = useState("");
  const topUp = async (key: string) => {
    const answer = await api.topUpPrepaid(amount.trim(), key);
    setAmount("");
    prepaid.reload();
    return formatMoney(answer.balance, locale);
  };
  const data = prepaid.data;
  return (
    <CommandForm
      title={t("merchant.prepaid")}
      hint={t("merchant.prepaidHint")}
      input={{ amount: amount.trim() }}
      submit={topUp}
      submitLabel={t("merchant.topUp")}
      disabled={amount.trim() === ""}
      testId="prepaid-top-up"
    >
      <ErrorBox error={prepaid.error} />
      {data === undefined ? null : (
        <div className="stats">
          <Stat
            label={t("merchant.prepaidBalance")}
            value={formatMoney(data.balance, locale)}
            testId="prepaid-balance"
          />
          <Stat label={t("merchant.maxPool")} value={formatRatio(data.bounds.maxPoolContribution, locale)} />
          <Stat
            label={t("merchant.minPlatform")}
            value={formatRatio(data.bounds.minPlatformProfit, locale)}
          />
        </div>
      )}
      <AmountField
        label={t("merchant.topUpAmount")}
        name="prepaid-amount"
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
  return (
    <Card title={t("statement.merchant")}>
      <Tabs<StatementAccountName>
        value={account}
        onChange={setAccount}
        options={[
          { value: "cash", label: t("statement.merchantCash") },
          { value: "points", label: t("statement.merchantPoints") },
          { value: "prepaid", label: t("statement.merchantPrepaid") },
        ]}
      />
      <StatementTable account={account} load={api.merchantStatement} name="merchant-statement" />
    </Card>
  );
}

function Tips() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const [member, setMember] = useState("");
  const [points, setPoints] = useState("");
  const settlement = useData(() => api.merchantSettlement());
  const gift = { merchant: user?.merchantId ?? "", member: member.trim(), points: points.trim() };
  const send = async (key: string) => {
    const position = (await api.tip(gift, key)).position;
    settlement.reload();
    return `#${position}`;
  };
  return (
    <>
      <Card title={t("merchant.tipBalance")}>
        <ErrorBox error={settlement.error} />
        <div className="stats">
          <Stat
            label={t("merchant.tipPoints")}
            value={settlement.data === undefined ? "…" : formatPoints(settlement.data.points, locale, 2)}
            testId="merchant-tip-points"
          />
        </div>
        <p className="muted small">{t("merchant.tipBuyHint")}</p>
      </Card>
      <TipBuyFromPrepaid onBought={settlement.reload} />
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
    </>
  );
}
