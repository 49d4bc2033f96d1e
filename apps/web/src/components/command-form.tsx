/**
 * The one shape of a form that sends a command: a card with its fields, the error box, the submit
 * button and a notice of what was done. The submit button keeps one Idempotency-Key per submission
 * (lib/submission.ts), so a retry after a network error is the same request.
 */
import { createContext, useContext, useState, type ReactNode } from "react";
import { ActionButton, Card, ErrorBox, Notice, type ActionButtonProps } from "./ui.js";

export interface CommandFormProps {
  title: ReactNode;
  /** A short line above the fields. */
  hint?: ReactNode;
  /** The fields; as a function it receives the last refusal, e.g. to mark the field it names. */
  children: ReactNode | ((state: { error: unknown }) => ReactNode);
  /** What the submission sends: while it stays the same, a retry reuses the Idempotency-Key. */
  input: unknown;
  /** Sends the command with the key; what it returns, if anything, is shown as done. */
  submit: (idempotencyKey: string) => Promise<ReactNode | void>;
  submitLabel: ReactNode;
  /** The submit button's classes; "btn btn-primary" unless given. */
  submitClassName?: string;
  /** False leaves the submit button out (e.g. until a preview has been shown). */
  showSubmit?: boolean;
  disabled?: boolean;
  /** The submit button's data-testid. */
  testId?: string;
  /** The data-testid of the done message. */
  doneTestId?: string;
  /** An error found before sending (a draft that does not parse); shown instead of the last one. */
  inputError?: unknown;
  /** Below the notices: a result the submit left in the page's state, e.g. a table. */
  result?: ReactNode;
}

interface FormReport {
  /** Sends one action of the form: clears the last notices, then shows its done message, if any. */
  send: (
    action: (idempotencyKey: string) => Promise<ReactNode | void>,
    idempotencyKey: string,
  ) => Promise<void>;
  report: (error: unknown) => void;
}

const FormReportContext = createContext<FormReport | null>(null);

export function CommandForm(props: CommandFormProps) {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<ReactNode>(null);
  const send: FormReport["send"] = async (action, idempotencyKey) => {
    setError(null);
    setDone(null);
    const message = await action(idempotencyKey);
    if (message !== undefined) setDone(message);
  };
  const children = typeof props.children === "function" ? props.children({ error }) : props.children;
  return (
    <FormReportContext.Provider value={{ send, report: setError }}>
      <Card title={props.title}>
        <div className="form">
          {props.hint === undefined ? null : <p className="muted small">{props.hint}</p>}
          {children}
          <ErrorBox error={props.inputError ?? error} />
          {props.showSubmit === false ? null : (
            <ActionButton
              className={props.submitClassName ?? "btn btn-primary"}
              input={props.input}
              action={(idempotencyKey) => send(props.submit, idempotencyKey)}
              onError={setError}
              disabled={props.disabled}
              data-testid={props.testId}
            >
              {props.submitLabel}
            </ActionButton>
          )}
          {done === null ? null : (
            <Notice tone="ok">
              {props.doneTestId === undefined ? done : <span data-testid={props.doneTestId}>{done}</span>}
            </Notice>
          )}
          {props.result}
        </div>
      </Card>
    </FormReportContext.Provider>
  );
}

/**
 * A second action inside a CommandForm (a preview, a purchase next to a send): its errors and its
 * done message go to the form's boxes, and it keeps its own Idempotency-Key per submission.
 */
export function FormAction({
  action,
  ...rest
}: Omit<ActionButtonProps, "onError" | "action"> & {
  action: (idempotencyKey: string) => Promise<ReactNode | void>;
}) {
  const form = useContext(FormReportContext);
  if (form === null) throw new Error("FormAction must sit inside a CommandForm");
  return (
    <ActionButton
      {...rest}
      action={(idempotencyKey) => form.send(action, idempotencyKey)}
      onError={form.report}
    />
  );
}
