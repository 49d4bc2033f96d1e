/**
 * The member's proof of liabilities: the inclusion proof of the latest close, checked in the browser
 * against the root the public page publishes, with the engine's own verifier (pure TypeScript
 * SHA-256, no eval, no inline script). The proof text can be edited: a changed proof is refused.
 */
import { verifyInclusion } from "@zengzhi/engine/merkle-sum";
import { useEffect, useState } from "react";
import { Card, ErrorBox, Loading, Notice, Stat } from "../../components/ui.js";
import { type Translate, useI18n } from "../../i18n/index.js";
import { api } from "../../lib/api.js";
import { formatMoney, formatPoints } from "../../lib/format.js";
import { useData } from "../../lib/use-data.js";

/** An integer count of minor units as a decimal: ("1234", 2) → "12.34". */
function fromMinorUnits(integer: string, decimals: number): string {
  const digits = integer.padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

type Outcome = { ok: true } | { ok: false; reason: string };

export function LiabilityProofCard({ tenant }: { tenant: string }) {
  const { t, locale } = useI18n();
  const proof = useData(() => api.liabilityProof());
  const published = useData(() => api.publicView(tenant), [tenant]);
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  useEffect(() => {
    if (proof.data !== undefined) setText(JSON.stringify(proof.data, null, 2));
  }, [proof.data]);
  if (proof.error) return <Card title={t("proof.title")}>{<ErrorBox error={proof.error} />}</Card>;
  if (proof.data === undefined || published.data === undefined) return <Loading />;
  const day = proof.data.day;
  const root = published.data.liabilities.roots.find((r) => r.day === day)?.root;
  const check = () => setOutcome(checkProof(text, root, t));
  return (
    <Card title={t("proof.title")} id="proof">
      <p className="muted small">{t("proof.intro")}</p>
      <div className="stats">
        <Stat label={t("proof.day")} value={String(day)} />
        <Stat label={t("proof.cash")} value={formatMoney(fromMinorUnits(proof.data.cash, 2), locale)} />
        <Stat
          label={t("proof.points")}
          value={formatPoints(fromMinorUnits(proof.data.points, 8), locale, 2)}
        />
      </div>
      <div className="stat-label">{t("proof.root")}</div>
      <p className="hash" data-testid="proof-root">
        {root ?? t("proof.rootMissing")}
      </p>
      <label className="stat-label" htmlFor="proof-json">
        {t("proof.json")}
      </label>
      <textarea
        id="proof-json"
        className="proof-json"
        data-testid="proof-json"
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          setOutcome(null);
        }}
      />
      <div className="row wrap">
        <button type="button" className="btn btn-primary" onClick={check} data-testid="proof-verify">
          {t("proof.verify")}
        </button>
      </div>
      {outcome === null ? null : outcome.ok ? (
        <Notice tone="ok">
          <span data-testid="proof-ok">{t("proof.ok")}</span>
        </Notice>
      ) : (
        <Notice tone="warn">
          <span data-testid="proof-failed">{t("proof.failed", { reason: outcome.reason })}</span>
        </Notice>
      )}
      <p className="muted small hash">{t("proof.cli", { root: root ?? "ROOT" })}</p>
    </Card>
  );
}

function checkProof(text: string, root: string | undefined, t: Translate): Outcome {
  if (root === undefined) return { ok: false, reason: t("proof.rootMissing") };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, reason: t("proof.notJson") };
  }
  const result = verifyInclusion(parsed, root);
  return result.ok ? { ok: true } : { ok: false, reason: t(`proof.failure.${result.code}`) };
}
