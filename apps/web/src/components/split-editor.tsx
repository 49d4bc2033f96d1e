/** Four split fractions as decimal strings; the server (with the engine's loader) decides if they are valid. */
import { useI18n } from "../i18n/index.js";
import type { Split } from "../lib/api.js";
import { AmountField } from "./ui.js";

export const SPLIT_PARTS = ["productCost", "distributionCost", "platformProfit", "poolContribution"] as const;

export function SplitEditor({
  value,
  onChange,
  prefix = "split",
}: {
  value: Split;
  onChange: (next: Split) => void;
  prefix?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="split-grid">
      {SPLIT_PARTS.map((part) => (
        <AmountField
          key={part}
          label={t(`split.${part}`)}
          name={`${prefix}.${part}`}
          value={value[part]}
          onChange={(event) => onChange({ ...value, [part]: event.target.value })}
        />
      ))}
    </div>
  );
}
