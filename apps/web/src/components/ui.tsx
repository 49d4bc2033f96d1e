/**
 * Small building blocks shared by every page: cards, figures, form fields, buttons that show they
 * are busy, and error and notice boxes that speak the user's language.
 */
import { useState, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from "react";
import { useI18n } from "../i18n/index.js";
import { useSubmission } from "../lib/submission.js";

export function Card({
  title,
  children,
  actions,
  id,
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  id?: string;
}) {
  return (
    <section className="card" id={id}>
      {title === undefined && actions === undefined ? null : (
        <header className="card-head">
          {title === undefined ? <span /> : <h2>{title}</h2>}
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}

export function Stat({
  label,
  value,
  hint,
  testId,
  exact,
}: {
  label: ReactNode;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
  /** The exact value, one tap away when `value` is shortened for reading. */
  exact?: string;
}) {
  const [showExact, setShowExact] = useState(false);
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {exact === undefined ? (
          value
        ) : (
          <button
            type="button"
            className="stat-exact"
            title={exact}
            aria-pressed={showExact}
            onClick={() => setShowExact(!showExact)}
          >
            {showExact ? exact : value}
          </button>
        )}
      </div>
      {hint === undefined ? null : <div className="stat-hint">{hint}</div>}
    </div>
  );
}

export function Field({
  label,
  hint,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; hint?: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input {...input} />
      {hint === undefined ? null : <span className="field-hint">{hint}</span>}
    </label>
  );
}

/** A decimal-amount input: digits and one point only, the right keyboard on phones. */
export function AmountField(
  props: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; hint?: ReactNode },
) {
  return <Field inputMode="decimal" autoComplete="off" pattern="[0-9]*[.]?[0-9]*" {...props} />;
}

export type ActionButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "onClick" | "onError"> & {
  /** Sends the request(s) with this submission's Idempotency-Key (lib/submission.ts). */
  action: (idempotencyKey: string) => Promise<unknown>;
  /** What the action sends: a retry of the same input after an undecided failure reuses the key. */
  input?: unknown;
  onError?: (error: unknown) => void;
};

/**
 * A button that runs an async action, disables itself meanwhile and reports errors to onError. Each
 * press is one submission: a retry after a network error or a 5xx sends the same Idempotency-Key.
 */
export function ActionButton({
  action,
  input,
  onError,
  children,
  className = "btn",
  disabled = false,
  ...rest
}: ActionButtonProps) {
  const [busy, setBusy] = useState(false);
  const submission = useSubmission();
  const run = async () => {
    setBusy(true);
    try {
      await submission.run(input, action);
    } catch (error) {
      onError?.(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    // The rest first: a caller's `disabled` must not switch off the busy state (a second press
    // while the first is running would only be told that it is still running).
    <button
      {...rest}
      type="button"
      className={className}
      disabled={busy || disabled}
      aria-busy={busy}
      onClick={() => void run()}
    >
      {children}
    </button>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const { errorText } = useI18n();
  if (error === null || error === undefined) return null;
  return (
    <div className="notice notice-error" role="alert">
      {errorText(error)}
    </div>
  );
}

export function Notice({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "ok" | "warn" }) {
  return (
    <div className={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <div className="loading">{t("common.loading")}</div>;
}

export function RiskNotice() {
  const { t } = useI18n();
  return <p className="risk">{t("risk.notice")}</p>;
}

export function Progress({ fraction, label }: { fraction: number; label: string }) {
  const percent = Math.round(fraction * 1000) / 10;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuenow={percent}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className="progress-bar" style={{ width: `${percent}%` }} />
    </div>
  );
}

export function Tabs<T extends string>({
  value,
  options,
  onChange,
}: {
  value: T;
  options: { value: T; label: ReactNode }[];
  onChange: (value: T) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          role="tab"
          aria-selected={option.value === value}
          className={option.value === value ? "tab tab-on" : "tab"}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
