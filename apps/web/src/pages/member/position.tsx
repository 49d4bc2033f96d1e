/**
 * One position: sell part or all of its unlocked points after a preview of gross, fee and net that
 * the server computes with the engine, or pay a merchant with its points.
 */
import { useState } from "react";
import { CommandForm, FormAction } from "../../components/command-form.js";
import { AmountField, ErrorBox, Loading, Notice, RiskNotice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Position, type SellPreview } from "../../lib/api.js";
import { formatMoney, formatPoints, formatPrice, isDecimal } from "../../lib/format.js";
import { Link } from "../../lib/router.js";
import { useData } from "../../lib/use-data.js";
import { PositionCard } from "./positions.js";

export function PositionPage({ id }: { id: number }) {
  const { t } = useI18n();
  const position = useData(() => api.position(id), [id]);
  const me = useData(() => api.me());
  // Kept here, not in the form: a sale of every point closes the position and removes the form.
  const [sold, setSold] = useState<string | null>(null);
  if (position.error) return <ErrorBox error={position.error} />;
  if (position.data === undefined) return <Loading />;
  const open = position.data.status === "open";
  return (
    <div className="page">
      <Link to="/positions">‹ {t("common.back")}</Link>
      <PositionCard position={position.data} price={me.data?.price ?? null} />
      {open ? (
        <SellForm
          position={position.data}
          price={me.data?.price ?? null}
          onDone={(message) => {
            setSold(message);
            position.reload();
            me.reload();
          }}
        />
      ) : null}
      {sold === null ? null : (
        <Notice tone="ok">
          <span data-testid="sell-done">{sold}</span>
        </Notice>
      )}
      {open ? <PayWithPointsForm position={position.data} onDone={position.reload} /> : null}
      <RiskNotice />
    </div>
  );
}

function SellForm({
  position,
  price,
  onDone,
}: {
  position: Position;
  price: string | null;
  onDone: (message: string) => void;
}) {
  const { t, locale } = useI18n();
  const [points, setPoints] = useState("");
  const [preview, setPreview] = useState<SellPreview | null>(null);
  const valid = isDecimal(points.trim());
  const input = { position: position.id, points: points.trim() };
  const change = (value: string) => {
    setPoints(value);
    setPreview(null);
  };
  const askPreview = async (key: string) => {
    setPreview(await api.sellPreview(position.id, input.points, key));
  };
  const sell = async (key: string) => {
    const outcome = await api.sell(position.id, input.points, key);
    const exits = outcome.exits.length;
    setPreview(null);
    setPoints("");
    onDone(
      t("sell.done", { net: formatMoney(outcome.net, locale) }) +
        (exits > 0 ? ` ${t("sell.exits", { count: exits })}` : ""),
    );
  };
  return (
    <CommandForm
      title={t("sell.title")}
      input={input}
      submit={sell}
      submitLabel={t("sell.confirm")}
      submitClassName="btn btn-primary btn-block"
      showSubmit={preview !== null}
      testId="sell-confirm"
    >
      <AmountField
        label={t("sell.amount")}
        name="points"
        value={points}
        onChange={(event) => change(event.target.value)}
        hint={`${t("common.labelled", { label: t("positions.unlocked"), value: formatPoints(position.unlocked, locale) })} · ${t("common.labelled", { label: t("member.price"), value: formatPrice(price, locale) })}`}
      />
      <div className="row">
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => change(position.unlocked)}
          data-testid="sell-max"
        >
          {t("sell.max")}
        </button>
        <FormAction
          className="btn"
          input={input}
          action={askPreview}
          disabled={!valid}
          data-testid="sell-preview"
        >
          {t("sell.preview")}
        </FormAction>
      </div>
      {preview === null ? null : (
        <dl className="preview" data-testid="sell-preview-result">
          <dt>{t("sell.gross")}</dt>
          <dd>{formatMoney(preview.gross, locale)}</dd>
          <dt>{t("sell.fee")}</dt>
          <dd data-testid="sell-fee">{formatMoney(preview.fee, locale)}</dd>
          <dt>{t("sell.net")}</dt>
          <dd data-testid="sell-net">{formatMoney(preview.net, locale)}</dd>
        </dl>
      )}
      {preview === null ? null : <p className="muted small">{t("sell.previewNote")}</p>}
    </CommandForm>
  );
}

function PayWithPointsForm({ position, onDone }: { position: Position; onDone: () => void }) {
  const { t, locale } = useI18n();
  const merchants = useData(() => api.merchants());
  const [merchant, setMerchant] = useState("");
  const [amount, setAmount] = useState("");
  const input = { amount: amount.trim(), merchant: merchant || merchants.data?.items[0]?.id || "" };
  const pay = async (key: string) => {
    const outcome = await api.payWithPoints(position.id, input, key);
    setAmount("");
    onDone();
    return `−${formatPoints(outcome.points, locale, 8)} ${t("common.points")}`;
  };
  return (
    <CommandForm
      title={t("shop.payWithPointsTitle")}
      hint={t("shop.payWithPointsHint")}
      input={input}
      submit={pay}
      submitLabel={t("shop.payPoints")}
      submitClassName="btn btn-block"
      disabled={!isDecimal(input.amount)}
      testId="pay-points"
      doneTestId="pay-done"
    >
      <label className="field">
        <span className="field-label">{t("common.merchant")}</span>
        <select value={merchant} onChange={(event) => setMerchant(event.target.value)} name="merchant">
          {(merchants.data?.items ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <AmountField
        label={t("common.amount")}
        name="pay-amount"
        value={amount}
        onChange={(event) => setAmount(event.target.value)}
      />
    </CommandForm>
  );
}
