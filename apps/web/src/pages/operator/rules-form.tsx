/**
 * The rule set as a form: one input per rule of RULES.md (daily release in rules-release.tsx),
 * editing the same JSON document the advanced editor shows. Values stay decimal strings; the server
 * validates them with the engine, and the field it names is marked here with its reason.
 */
import type { ReactNode } from "react";
import { useI18n, type MessageKey } from "../../i18n/index.js";
import type { RulesJson } from "../../lib/api.js";
import { marks, withField } from "../../lib/rules-draft.js";
import { ReleaseFields } from "./rules-release.js";

type Kind = "decimal" | "decimalOrNull" | "integer" | "integerOrNull" | "boolean";

const FIELDS: { path: string; kind: Kind }[] = [
  { path: "initialPrice", kind: "decimal" },
  { path: "minPrice", kind: "decimal" },
  { path: "priceCeiling", kind: "decimalOrNull" },
  { path: "split.productCost", kind: "decimal" },
  { path: "split.distributionCost", kind: "decimal" },
  { path: "split.platformProfit", kind: "decimal" },
  { path: "split.poolContribution", kind: "decimal" },
  { path: "issueRatio", kind: "decimal" },
  { path: "sellFee", kind: "decimal" },
  { path: "exitMultiple", kind: "decimal" },
  { path: "exitFeeApplies", kind: "boolean" },
  { path: "subsidyRate", kind: "decimal" },
  { path: "healthPerReferral", kind: "decimal" },
  { path: "healthPerYuan", kind: "decimal" },
  { path: "halvingPeriodDays", kind: "integerOrNull" },
  { path: "tipMinHealth", kind: "decimal" },
  { path: "pointsOrdersEarn", kind: "boolean" },
  { path: "refundWindowDays", kind: "integer" },
  { path: "withdrawalMaxPerRequest", kind: "decimalOrNull" },
  { path: "withdrawalMaxPerDay", kind: "decimalOrNull" },
];

function read(rules: RulesJson, path: string): unknown {
  const [head = "", tail] = path.split(".");
  const value = (rules as Record<string, unknown>)[head];
  if (tail === undefined) return value;
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[tail] : undefined;
}

/** Text typed into an input → the JSON value the rule set wants (invalid text goes as is, for the server to name). */
function fromInput(kind: Kind, text: string): unknown {
  const trimmed = text.trim();
  if ((kind === "decimalOrNull" || kind === "integerOrNull") && trimmed === "") return null;
  if (kind === "integer" || kind === "integerOrNull")
    return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  return trimmed;
}

function toInput(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

export function RulesForm({
  rules,
  onChange,
  errorField,
  errorText,
}: {
  rules: RulesJson;
  onChange: (next: RulesJson) => void;
  /** The field the server refused, with its message. */
  errorField?: string | undefined;
  errorText?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="rules-form">
      {FIELDS.map(({ path, kind }) => {
        const label = t(`rule.${path}` as MessageKey);
        const value = read(rules, path);
        const wrong = marks(errorField, path);
        if (kind === "boolean") {
          return (
            <label key={path} className="row small field-check">
              <input
                type="checkbox"
                name={`rule.${path}`}
                checked={value === true}
                onChange={(event) => onChange(withField(rules, path, event.target.checked))}
              />
              {label}
            </label>
          );
        }
        return (
          <label key={path} className={wrong ? "field field-wrong" : "field"}>
            <span className="field-label">{label}</span>
            <input
              name={`rule.${path}`}
              inputMode={kind.startsWith("integer") ? "numeric" : "decimal"}
              value={toInput(value)}
              aria-invalid={wrong}
              onChange={(event) => onChange(withField(rules, path, fromInput(kind, event.target.value)))}
            />
            {wrong ? (
              <span className="field-error" data-testid="field-error">
                {errorText}
              </span>
            ) : null}
          </label>
        );
      })}
      <ReleaseFields rules={rules} onChange={onChange} errorField={errorField} errorText={errorText} />
    </div>
  );
}
