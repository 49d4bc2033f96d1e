/**
 * The daily release part of the rule-set form: a switch (off is `release: null`), the release mode
 * and the tier table, as decimal strings exactly as the JSON carries them. The server validates them
 * with the engine; the tier field it names is marked here with its reason.
 */
import { useRef, type ReactNode } from "react";
import { useI18n } from "../../i18n/index.js";
import type { RulesJson } from "../../lib/api.js";
import {
  marks,
  releaseTiers,
  withField,
  withTierAdded,
  withTierField,
  withTierRemoved,
} from "../../lib/rules-draft.js";

/** The modes the engine accepts (packages/engine/src/rules.ts, ReleaseMode); the first is its default. */
const MODES = ["percentOfRemaining", "percentOfOriginal"] as const;

/**
 * What switching release on starts from when this session has no earlier release to bring back: one
 * tier from health 0 (where the engine wants the first tier to start) and a rate left for the
 * operator to choose. The browser picks no rate.
 */
const RELEASE_START = { mode: MODES[0], tiers: [{ minHealth: "0", rate: "" }] };

interface Props {
  rules: RulesJson;
  onChange: (next: RulesJson) => void;
  /** The field the server refused (without `rules.`), with its message. */
  errorField?: string | undefined;
  errorText?: ReactNode;
}

function FieldError({ children }: { children: ReactNode }) {
  return (
    <span className="field-error" data-testid="field-error">
      {children}
    </span>
  );
}

export function ReleaseFields({ rules, onChange, errorField, errorText }: Props) {
  const { t } = useI18n();
  // The release last switched off, so that off and on again in one session loses no tier.
  const switchedOff = useRef<RulesJson["release"]>(null);
  const release = rules.release ?? null;
  const toggle = (on: boolean) => {
    if (!on) switchedOff.current = release;
    onChange(withField(rules, "release", on ? (switchedOff.current ?? RELEASE_START) : null));
  };
  return (
    <fieldset className="rules-release" data-testid="rules-release">
      <label className="row small field-check">
        <input
          type="checkbox"
          role="switch"
          name="rule.release"
          checked={release !== null}
          onChange={(event) => toggle(event.target.checked)}
        />
        {t("rule.release")}
      </label>
      {release === null ? null : (
        <>
          <label className={marks(errorField, "release.mode") ? "field field-wrong" : "field"}>
            <span className="field-label">{t("rule.release.mode")}</span>
            <select
              name="rule.release.mode"
              value={release.mode ?? MODES[0]}
              onChange={(event) => onChange(withField(rules, "release.mode", event.target.value))}
            >
              {MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {t(`rule.release.${mode}`)}
                </option>
              ))}
            </select>
          </label>
          <span className="field-hint">{t("rule.release.tiersHint")}</span>
          <TierTable rules={rules} onChange={onChange} errorField={errorField} errorText={errorText} />
          <div className="row">
            <button
              type="button"
              className="btn btn-small"
              data-testid="tier-add"
              onClick={() => onChange(withTierAdded(rules))}
            >
              {t("rule.release.addTier")}
            </button>
          </div>
        </>
      )}
    </fieldset>
  );
}

/** The tiers in the draft's order, one row each with its two values and a remove button. */
function TierTable({ rules, onChange, errorField, errorText }: Props) {
  const { t } = useI18n();
  const tiers = releaseTiers(rules);
  const cellPaths = tiers.flatMap((_, i) => [`release.tiers.${i}.minHealth`, `release.tiers.${i}.rate`]);
  // A refusal of the whole release, its mode, its list or a whole tier is said below the table.
  const tableError =
    errorField !== undefined && marks("release", errorField) && !cellPaths.includes(errorField);
  const cell = (index: number, key: "minHealth" | "rate") => {
    const path = `release.tiers.${index}.${key}`;
    const wrong = marks(errorField, path);
    return (
      <td className={wrong ? "field-wrong" : undefined}>
        <input
          name={`rule.${path}`}
          inputMode="decimal"
          aria-label={`${t(`rule.release.${key}`)} #${index + 1}`}
          aria-invalid={wrong}
          value={String(tiers[index]?.[key] ?? "")}
          onChange={(event) => onChange(withTierField(rules, index, key, event.target.value.trim()))}
        />
        {errorField === path ? <FieldError>{errorText}</FieldError> : null}
      </td>
    );
  };
  return (
    <>
      <table className="tier-table" data-testid="release-tiers">
        <thead>
          <tr>
            <th>{t("rule.release.minHealth")}</th>
            <th>{t("rule.release.rate")}</th>
            <th className="tier-actions" aria-label={t("common.actions")} />
          </tr>
        </thead>
        <tbody>
          {tiers.map((_, index) => (
            // Rows have no identity but their place in the list, which is what the engine reads.
            <tr key={index}>
              {cell(index, "minHealth")}
              {cell(index, "rate")}
              <td className="tier-actions">
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  data-testid={`tier-remove-${index}`}
                  aria-label={`${t("rule.release.removeTier")} #${index + 1}`}
                  onClick={() => onChange(withTierRemoved(rules, index))}
                >
                  {t("rule.release.removeTier")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tableError ? <FieldError>{errorText}</FieldError> : null}
    </>
  );
}
