/** The rule set in force, sentence by sentence in plain language (public page and rule editor). */
import { useI18n } from "../i18n/index.js";
import type { RulesJson, Tier } from "../lib/api.js";
import { formatMoney, formatNumber, formatPrice, formatRatio } from "../lib/format.js";

const text = (value: unknown): string | null =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : null;

export function RulesExplained({ rules }: { rules: RulesJson }) {
  const { t, locale } = useI18n();
  const ratio = (value: unknown) => formatRatio(text(value), locale);
  const split = rules.split;
  const release = rules.release ?? null;
  const money = (value: unknown) =>
    text(value) === null ? t("rules.none") : formatMoney(text(value), locale);
  return (
    <ul className="rules-plain" data-testid="rules-explained">
      <li>{t("rules.initialPrice", { v: formatPrice(text(rules.initialPrice), locale) })}</li>
      {split === undefined ? null : (
        <li>
          {t("rules.split", {
            productCost: ratio(split.productCost),
            distributionCost: ratio(split.distributionCost),
            platformProfit: ratio(split.platformProfit),
            poolContribution: ratio(split.poolContribution),
          })}
        </li>
      )}
      <li>{t("rules.issueRatio", { v: ratio(rules.issueRatio) })}</li>
      <li>{t("rules.sellFee", { v: ratio(rules.sellFee) })}</li>
      <li>{t("rules.exitMultiple", { v: formatNumber(text(rules.exitMultiple), locale) })}</li>
      <li>{rules.exitFeeApplies === false ? t("rules.exitFeeOff") : t("rules.exitFeeOn")}</li>
      {text(rules.subsidyRate) !== null && !/^0(\.0+)?$/.test(text(rules.subsidyRate)!) ? (
        <li>{t("rules.subsidyRate", { v: ratio(rules.subsidyRate) })}</li>
      ) : null}
      <li>
        {t("rules.release", { v: release === null ? t("rules.releaseOff") : t("rules.releaseOn") })}
        {release === null ? null : (
          <ul>
            {((release.tiers ?? []) as Tier[]).map((tier) => (
              <li key={tier.minHealth}>
                {t("health.tier", { min: formatNumber(tier.minHealth, locale), rate: ratio(tier.rate) })}
              </li>
            ))}
          </ul>
        )}
      </li>
      <li>
        {t("rules.health", {
          referral: formatNumber(text(rules.healthPerReferral) ?? "0", locale),
          perYuan: formatNumber(text(rules.healthPerYuan) ?? "0", locale, 4),
        })}
      </li>
      <li>
        {rules.halvingPeriodDays === null || rules.halvingPeriodDays === undefined
          ? t("rules.halvingOff")
          : t("rules.halving", { v: String(rules.halvingPeriodDays) })}
      </li>
      <li>{t("rules.tipMinHealth", { v: formatNumber(text(rules.tipMinHealth) ?? "0", locale) })}</li>
      <li>{t("rules.refundWindow", { v: String(rules.refundWindowDays ?? 0) })}</li>
      <li>
        {t("rules.withdrawal", {
          perRequest: money(rules.withdrawalMaxPerRequest),
          perDay: money(rules.withdrawalMaxPerDay),
        })}
      </li>
    </ul>
  );
}
