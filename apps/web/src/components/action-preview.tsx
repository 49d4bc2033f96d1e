/**
 * The preview of an operator action, shown before its confirm button: what the engine, on a fork of
 * the live state, says the action would do (forced exits and their owners, cash into wallets, price,
 * pool and supply before and after, subsidy used). The confirm sends the preview's stateHash; a
 * preview_stale answer drops the preview so the operator previews again.
 */
import { useState, type ReactNode } from "react";
import { useI18n } from "../i18n/index.js";
import { errorSentence } from "../i18n/rejections.js";
import { type ActionPreview, ApiError } from "../lib/api.js";
import { formatMoney, formatNumber, formatPoints, formatPrice } from "../lib/format.js";
import { FormAction } from "./command-form.js";
import { DataTable, moneyColumn } from "./table.js";
import { Notice } from "./ui.js";

export const isStale = (error: unknown): boolean =>
  error instanceof ApiError && error.code === "preview_stale";

/**
 * Holds the preview of one input: it counts only while the input is the one previewed, and a stale
 * confirm (the state moved) drops it.
 */
export function usePreview<I>(input: I, load: (input: I) => Promise<ActionPreview>) {
  const [state, setState] = useState<{ of: string; preview: ActionPreview } | null>(null);
  const of = JSON.stringify(input);
  const preview = state !== null && state.of === of ? state.preview : null;
  return {
    preview,
    /** Ready to confirm: previewed for this input and nothing refused. */
    ready: preview !== null && preview.refused === null,
    /** Previews the input (or `value`, when the caller sets the input in the same turn). */
    run: async (value: I = input) => {
      setState({ of: JSON.stringify(value), preview: await load(value) });
    },
    /** Runs the confirm; a stale answer drops the preview (the error still shows). */
    confirm: async <T,>(send: (stateHash: string) => Promise<T>): Promise<T> => {
      try {
        return await send(preview!.stateHash);
      } catch (error) {
        if (isStale(error)) setState(null);
        throw error;
      }
    },
  };
}

/** The preview button of a form: "preview", or "preview again" once there is one. */
export function PreviewButton({
  previewed,
  run,
  input,
  testId,
}: {
  previewed: boolean;
  run: () => Promise<void>;
  input: unknown;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <FormAction className="btn" input={input} action={() => run()} data-testid={testId}>
      {previewed ? t("preview.again") : t("preview.run")}
    </FormAction>
  );
}

function Summary({ preview }: { preview: ActionPreview }) {
  const { t, locale } = useI18n();
  const lines: ReactNode[] = [];
  const money = (text: string) => formatMoney(text, locale);
  if (preview.exits.count > 0) {
    lines.push(
      t("preview.exits", {
        count: formatNumber(preview.exits.count, locale),
        owners: formatNumber(preview.exits.owners, locale),
      }),
    );
  }
  if (preview.credits.members > 0) {
    lines.push(
      t("preview.credits", {
        members: formatNumber(preview.credits.members, locale),
        cash: money(preview.credits.cash),
      }),
    );
  }
  if (preview.closed > 0) lines.push(t("preview.closed", { count: formatNumber(preview.closed, locale) }));
  if (preview.settledOrders > 0) {
    lines.push(t("preview.settled", { count: formatNumber(preview.settledOrders, locale) }));
  }
  if (preview.subsidyUsed !== "0.00") lines.push(t("preview.subsidy", { cash: money(preview.subsidyUsed) }));
  if (preview.periodReset) lines.push(t("preview.reset"));
  lines.push(
    t("preview.poolMove", {
      before: money(preview.before.pool),
      after: money(preview.after.pool),
      priceBefore: formatPrice(preview.before.price, locale),
      priceAfter: formatPrice(preview.after.price, locale),
    }),
  );
  if (lines.length === 1 && preview.exits.count === 0) lines.unshift(t("preview.noExits"));
  return (
    <ul className="preview-summary" data-testid="preview-summary">
      {lines.map((line, index) => (
        <li key={index}>{line}</li>
      ))}
    </ul>
  );
}

interface FigureRow {
  figure: string;
  before: string;
  after: string;
}

export function PreviewPanel({ preview }: { preview: ActionPreview }) {
  const { t, locale } = useI18n();
  const { before, after } = preview;
  const figures: FigureRow[] = [
    {
      figure: t("common.price"),
      before: formatPrice(before.price, locale),
      after: formatPrice(after.price, locale),
    },
    {
      figure: t("operator.pool"),
      before: formatMoney(before.pool, locale),
      after: formatMoney(after.pool, locale),
    },
    {
      figure: t("operator.supply"),
      before: formatPoints(before.supply, locale, 2),
      after: formatPoints(after.supply, locale, 2),
    },
    {
      figure: t("account.wallets"),
      before: formatMoney(before.wallets, locale),
      after: formatMoney(after.wallets, locale),
    },
    {
      figure: t("account.subsidyBudget"),
      before: formatMoney(before.subsidyBudget, locale),
      after: formatMoney(after.subsidyBudget, locale),
    },
    {
      figure: t("preview.openPositions"),
      before: formatNumber(before.openPositions, locale),
      after: formatNumber(after.openPositions, locale),
    },
  ];
  const refused = preview.refused;
  return (
    <div className="action-preview" data-testid="action-preview">
      <h3>{t("preview.title")}</h3>
      {refused === null ? null : (
        <Notice tone="warn">
          {t("preview.refused", { index: refused.index + 1 })}{" "}
          {errorSentence(refused.code)?.[locale] ?? refused.code}
        </Notice>
      )}
      <Summary preview={preview} />
      <DataTable<FigureRow>
        name="preview-figures"
        rowKey={(row) => row.figure}
        rows={figures}
        columns={[
          { key: "figure", label: t("preview.figure") },
          { key: "before", label: t("preview.before"), numeric: true },
          { key: "after", label: t("preview.after"), numeric: true },
        ]}
      />
      {preview.exits.positions.length === 0 ? null : (
        <DataTable<ActionPreview["exits"]["positions"][number]>
          name="preview-exits"
          rowKey={(row) => row.position}
          rows={preview.exits.positions}
          columns={[
            { key: "position", label: t("preview.position"), numeric: true },
            { key: "member", label: t("common.member") },
            moneyColumn("spend", t("preview.spend"), locale),
            moneyColumn("proceeds", t("preview.proceeds"), locale),
          ]}
        />
      )}
      {preview.credits.top.length === 0 ? null : (
        <DataTable<ActionPreview["credits"]["top"][number]>
          name="preview-credits"
          rowKey={(row) => row.member}
          rows={preview.credits.top}
          columns={[
            { key: "member", label: t("common.member") },
            moneyColumn("cash", t("preview.walletIn"), locale),
          ]}
        />
      )}
      {preview.exits.count > preview.exits.positions.length ? (
        <p className="muted small">
          {t("preview.listCapped", { shown: preview.exits.positions.length, count: preview.exits.count })}
        </p>
      ) : null}
    </div>
  );
}
